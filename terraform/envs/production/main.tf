# Production: AWS services (VPC, ECS Fargate, ALB, Aurora, Secrets Manager) and the
# Cloudflare Worker in front of them. The Worker reaches the user service through the ALB's
# HTTPS URL; both sides share SERVICE_TOKEN_SECRET and JWT_SECRET.

locals {
  name = "grpc-edge-${var.environment}"
}

module "services" {
  source = "../../modules/services"

  name                     = local.name
  acm_certificate_arn      = var.acm_certificate_arn
  user_service_domain_name = var.user_service_domain_name
  route53_zone_id          = var.route53_zone_id
  alb_ingress_cidr_blocks  = var.alb_ingress_cidr_blocks

  user_service = {
    image_tag     = var.image_tag
    cpu           = var.user_service_cpu
    memory        = var.user_service_memory
    desired_count = var.user_service_min_count
    min_count     = var.user_service_min_count
    max_count     = var.user_service_max_count
    log_level     = var.log_level
  }
  order_service = {
    image_tag     = var.image_tag
    cpu           = var.order_service_cpu
    memory        = var.order_service_memory
    desired_count = var.order_service_min_count
    min_count     = var.order_service_min_count
    max_count     = var.order_service_max_count
    log_level     = var.log_level
  }

  shutdown_grace_ms  = var.shutdown_grace_ms
  single_nat_gateway = var.single_nat_gateway
  db_min_capacity    = var.db_min_capacity
  db_max_capacity    = var.db_max_capacity
  db_instance_count  = var.db_instance_count
  db_ssl_mode        = var.db_ssl_mode

  # Shared with the Worker below.
  service_token_secret = var.service_token_secret
  jwt_secret           = var.jwt_secret
}

module "edge" {
  source = "../../modules/edge"

  account_id          = var.cloudflare_account_id
  zone_id             = var.cloudflare_zone_id
  script_name         = "grpc-edge-gateway-${var.environment}"
  bundle_path         = var.gateway_bundle_path
  compatibility_date  = var.worker_compatibility_date
  compatibility_flags = var.worker_compatibility_flags
  custom_domain       = var.public_hostname
  route_pattern       = var.worker_route_pattern

  # The Worker calls the user service (Connect over HTTP/1.1) through the ALB.
  user_service_url    = module.services.user_service_url
  upstream_timeout_ms = var.upstream_timeout_ms

  # Same values the services read from Secrets Manager.
  service_token_secret = var.service_token_secret
  jwt_secret           = var.jwt_jwks_url == "" ? var.jwt_secret : ""

  # End users: tokens from the identity provider (JWKS) or, without one, HS256 with jwt_secret.
  jwt_issuer           = var.jwt_issuer
  jwt_audience         = var.jwt_audience
  jwt_jwks_url         = var.jwt_jwks_url
  cors_allowed_origins = var.cors_allowed_origins

  rate_limit = var.rate_limit
}
