# Inputs of the production environment. terraform.tfvars.example documents each one;
# the one secret is passed as TF_VAR_service_token_secret.
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

variable "metrics_scraper_security_group_ids" {
  description = "Security groups of Prometheus scrapers in the VPC allowed to reach the services' METRICS_PORT; empty for none."
  type        = list(string)
  default     = []
}

variable "image_tag" {
  description = "Immutable image tag deployed for both services (the git SHA the images were built from)."
  type        = string
}

variable "services" {
  description = "Sizing per service (exactly user and order): Fargate cpu units and memory (MiB), minimum (and initial) and maximum task counts under CPU autoscaling, LOG_LEVEL. image_tag is the same for both."
  type = map(object({
    cpu       = optional(number, 256)
    memory    = optional(number, 512)
    min_count = optional(number, 2)
    max_count = optional(number, 6)
    log_level = optional(string, "info")
  }))
  default = {
    user  = {}
    order = {}
  }
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

variable "secrets_version" {
  description = "Bump after changing service_token_secret: AWS stores it as a write-only value, which Terraform cannot compare."
  type        = number
  default     = 1
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
  description = "https URL of the identity provider's JWKS (RS256/ES256): required in production (HS256 is for development only)."
  type        = string
}

variable "admin_claim" {
  description = "Name of the token claim the identity provider assigns to administrators (ADMIN_CLAIM), e.g. roles."
  type        = string
  default     = "roles"
}

variable "admin_claim_value" {
  description = "Value of admin_claim that makes a token an administrator's (equal, or contained in an array claim)."
  type        = string
  default     = "grpc-edge-admin"
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
  description = "Gateway bundle built by `npx wrangler deploy --dry-run --outdir dist/gateway` at the repo root, relative to this directory (its source map index.js.map beside it)."
  type        = string
  default     = "../../../dist/gateway/index.js"
}

variable "gateway_assets_directory" {
  description = "Folder holding only docs/ of the /docs page (no _headers), relative to this directory: docs/deploy.md copies it from workers/gateway/dist/assets."
  type        = string
  default     = "../../../dist/gateway-assets"
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
  description = "UPSTREAM_TIMEOUT_MS of the Worker (ms it waits for a service)."
  type        = number
  default     = 3000
}

variable "rate_limit" {
  description = "RATE_LIMITER binding: namespace_id (positive integer as a string, this environment's own: not wrangler.toml's 1001, which dev and previews use), limit requests per period (10 or 60) seconds."
  type = object({
    namespace_id = string
    limit        = number
    period       = number
  })
  default = {
    namespace_id = "2001"
    limit        = 100
    period       = 60
  }
}

variable "auth_failure_limit" {
  description = "AUTH_FAILURE_LIMITER binding: failed authentications per client network. namespace_id (positive integer as a string, this environment's own: not rate_limit's, not wrangler.toml's 1002), limit failures per period (10 or 60) seconds."
  type = object({
    namespace_id = string
    limit        = number
    period       = number
  })
  default = {
    namespace_id = "2002"
    limit        = 20
    period       = 60
  }
}
