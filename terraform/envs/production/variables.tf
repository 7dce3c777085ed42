# Inputs of the production environment. terraform.tfvars.example documents each one;
# the two secrets are passed as TF_VAR_service_token_secret / TF_VAR_jwt_secret.
# Most validation lives in the modules; the checks here catch env-level mistakes early.

variable "environment" {
  description = "Environment name, used in resource names (grpc-edge-<environment>) and tags."
  type        = string
  default     = "production"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,13}$", var.environment))
    error_message = "environment must be 2-14 lowercase letters, digits or hyphens, starting with a letter."
  }
}

# --- AWS ---------------------------------------------------------------------------

variable "aws_region" {
  description = "AWS region of the VPC, ECS, ALB and Aurora (the ACM certificate must be in this region)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "aws_region must be an AWS region code such as eu-west-1."
  }
}

variable "acm_certificate_arn" {
  description = "ACM certificate (in aws_region) for user_service_domain_name, served by the ALB's HTTPS listener."
  type        = string
}

variable "user_service_domain_name" {
  description = "Origin hostname of the user service behind the ALB, e.g. origin-api.example.com. The Worker calls https://<this>."
  type        = string
}

variable "route53_zone_id" {
  description = "Route 53 zone in which to create user_service_domain_name -> ALB; null if that DNS record is managed elsewhere (e.g. Cloudflare)."
  type        = string
  default     = null
}

variable "alb_ingress_cidr_blocks" {
  description = "CIDRs allowed to reach the ALB on 443; use Cloudflare's IPv4 ranges (https://www.cloudflare.com/ips-v4) in production."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "image_tag" {
  description = "Immutable image tag deployed for both services (the git SHA the images were built from)."
  type        = string
}

variable "log_level" {
  description = "LOG_LEVEL of both services: debug, info, warn or error."
  type        = string
  default     = "info"
}

variable "user_service_cpu" {
  description = "Fargate CPU units of a user-service task (256 = 0.25 vCPU)."
  type        = number
  default     = 256
}

variable "user_service_memory" {
  description = "Memory (MiB) of a user-service task; must be valid for user_service_cpu."
  type        = number
  default     = 512
}

variable "user_service_min_count" {
  description = "Minimum (and initial) number of user-service tasks."
  type        = number
  default     = 2
}

variable "user_service_max_count" {
  description = "Maximum number of user-service tasks under CPU autoscaling."
  type        = number
  default     = 6
}

variable "order_service_cpu" {
  description = "Fargate CPU units of an order-service task (256 = 0.25 vCPU)."
  type        = number
  default     = 256
}

variable "order_service_memory" {
  description = "Memory (MiB) of an order-service task; must be valid for order_service_cpu."
  type        = number
  default     = 512
}

variable "order_service_min_count" {
  description = "Minimum (and initial) number of order-service tasks."
  type        = number
  default     = 2
}

variable "order_service_max_count" {
  description = "Maximum number of order-service tasks under CPU autoscaling."
  type        = number
  default     = 6
}

variable "shutdown_grace_ms" {
  description = "SHUTDOWN_GRACE_MS of both services; stopTimeout and the ALB deregistration delay derive from it."
  type        = number
  default     = 10000
}

variable "single_nat_gateway" {
  description = "true saves one NAT gateway (~32 USD/month + data) at the cost of AZ-independent egress."
  type        = bool
  default     = false
}

variable "db_min_capacity" {
  description = "Aurora Serverless v2 minimum ACUs per cluster (0 = auto-pause, 0.5 = smallest always-on)."
  type        = number
  default     = 0.5
}

variable "db_max_capacity" {
  description = "Aurora Serverless v2 maximum ACUs per cluster."
  type        = number
  default     = 4
}

variable "db_ssl_mode" {
  description = "DATABASE_SSLMODE of the services (no-verify until the images trust the RDS CA, then verify-full)."
  type        = string
  default     = "no-verify"
}

variable "db_instance_count" {
  description = "Aurora instances per cluster (2 = writer + reader in another AZ for failover)."
  type        = number
  default     = 2
}

# --- Shared secrets (never in a file) -------------------------------------------------

variable "service_token_secret" {
  description = "SERVICE_TOKEN_SECRET shared by the Worker and the services. Set TF_VAR_service_token_secret from your secret store."
  type        = string
  sensitive   = true
}

variable "jwt_secret" {
  description = "JWT_SECRET (HS256) shared by the Worker and the user service. Set TF_VAR_jwt_secret from your secret store."
  type        = string
  sensitive   = true
}

# --- End users (docs/security.md) ------------------------------------------------------

variable "jwt_issuer" {
  description = "iss of end-user tokens: the identity provider's issuer URL (JWT_ISSUER of the Worker)."
  type        = string
}

variable "jwt_audience" {
  description = "aud of end-user tokens: this API's identifier at the identity provider (JWT_AUDIENCE of the Worker)."
  type        = string
}

variable "jwt_jwks_url" {
  description = "https URL of the identity provider's JWKS (RS256/ES256); when set, the Worker ignores jwt_secret. Empty: HS256 with jwt_secret."
  type        = string
  default     = ""
}

variable "cors_allowed_origins" {
  description = "Comma-separated browser origins allowed to call the API (CORS_ALLOWED_ORIGINS); empty for none."
  type        = string
  default     = ""
}

# --- Cloudflare ----------------------------------------------------------------------

variable "cloudflare_account_id" {
  description = "Cloudflare account id (32 hex characters) that owns the Worker."
  type        = string
}

variable "cloudflare_zone_id" {
  description = "Cloudflare zone id of public_hostname / worker_route_pattern."
  type        = string
}

variable "public_hostname" {
  description = "Public API hostname served by the Worker as a Workers Custom Domain (e.g. api.example.com); null to rely on worker_route_pattern only."
  type        = string
  default     = null
}

variable "worker_route_pattern" {
  description = "Optional Workers route on an existing proxied hostname (e.g. example.com/api/*); null for none."
  type        = string
  default     = null
}

variable "gateway_bundle_path" {
  description = "Gateway bundle built by `npx wrangler deploy --dry-run --outdir dist/gateway` at the repo root, relative to this directory."
  type        = string
  default     = "../../../dist/gateway/index.js"
}

variable "worker_compatibility_date" {
  description = "Worker compatibility_date; must equal compatibility_date in wrangler.toml (checked by terraform/terraform.test.ts)."
  type        = string
  default     = "2025-09-01"
}

variable "worker_compatibility_flags" {
  description = "Worker compatibility_flags; must equal compatibility_flags in wrangler.toml (checked by terraform/terraform.test.ts)."
  type        = list(string)
  default     = []
}

variable "upstream_timeout_ms" {
  description = "UPSTREAM_TIMEOUT_MS of the Worker (ms it waits for the user service)."
  type        = number
  default     = 3000
}

variable "rate_limit" {
  description = "RATE_LIMITER binding: namespace_id (positive integer as a string, unique in the account), limit requests per period (10 or 60) seconds."
  type = object({
    namespace_id = string
    limit        = number
    period       = number
  })
  default = {
    namespace_id = "1001"
    limit        = 100
    period       = 60
  }
}
