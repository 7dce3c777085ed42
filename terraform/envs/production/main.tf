# Production: AWS services (VPC, ECS Fargate, internal ALB, Aurora, Secrets Manager,
# cloudflared) and the Cloudflare Worker in front of them. The Worker reaches the services
# only through its SERVICES binding: a Workers VPC service -> Cloudflare Tunnel ->
# cloudflared (ECS, private subnets) -> internal ALB, which routes by RPC path.

locals {
  name = "grpc-edge-${var.environment}"
}

module "services" {
  source = "../../modules/services"

  name = local.name

  services = {
    for svc, sizing in var.services : svc => merge(sizing, {
      image_tag     = var.image_tag
      desired_count = sizing.min_count
    })
  }

  metrics_scraper_security_group_ids = var.metrics_scraper_security_group_ids

  shutdown_grace_ms  = var.shutdown_grace_ms
  single_nat_gateway = var.single_nat_gateway
  db_min_capacity    = var.db_min_capacity
  db_max_capacity    = var.db_max_capacity
  db_instance_count  = var.db_instance_count

  # Shared with the Worker below; the tunnel token comes from the edge module.
  service_token_secret = var.service_token_secret
  tunnel_token         = module.edge.tunnel_token
  secrets_version      = var.secrets_version
}

module "edge" {
  source = "../../modules/edge"

  account_id          = var.cloudflare_account_id
  zone_id             = var.cloudflare_zone_id
  script_name         = "grpc-edge-gateway-${var.environment}"
  bundle_path         = var.gateway_bundle_path
  assets_directory    = var.gateway_assets_directory
  compatibility_date  = var.worker_compatibility_date
  compatibility_flags = var.worker_compatibility_flags
  custom_domain       = var.public_hostname
  route_pattern       = var.worker_route_pattern

  # Both services behind one internal ALB, reached through the tunnel (SERVICES binding).
  tunnel_name         = local.name
  origin_hostname     = module.services.origin_hostname
  user_service_url    = module.services.origin_url
  order_service_url   = module.services.origin_url
  upstream_timeout_ms = var.upstream_timeout_ms

  # Same value the services read from Secrets Manager.
  service_token_secret = var.service_token_secret

  # End users: RS256/ES256 tokens from the identity provider; admins by an IdP-assigned claim.
  jwt_issuer           = var.jwt_issuer
  jwt_audience         = var.jwt_audience
  jwt_jwks_url         = var.jwt_jwks_url
  admin_claim          = var.admin_claim
  admin_claim_value    = var.admin_claim_value
  cors_allowed_origins = var.cors_allowed_origins

  rate_limit         = var.rate_limit
  auth_failure_limit = var.auth_failure_limit
}
