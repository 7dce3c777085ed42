variable "account_id" {
  description = "Cloudflare account id that owns the Worker."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.account_id))
    error_message = "account_id must be a 32-character lowercase hex Cloudflare account id."
  }
}

variable "script_name" {
  description = "Name of the Worker script. Keep it different from the `name` in wrangler.toml so `wrangler deploy` (local-first, previews) never overwrites the Terraform-owned production Worker."
  type        = string
  default     = "grpc-edge-gateway-production"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,62}$", var.script_name))
    error_message = "script_name must be 1-63 lowercase letters, digits or hyphens."
  }
}

variable "bundle_path" {
  description = "Path to the gateway bundle built by `npx wrangler deploy --dry-run --outdir dist/gateway` at the repo root (a single ES module, dist/gateway/index.js). Relative paths resolve from the directory Terraform runs in."
  type        = string

  validation {
    condition     = endswith(var.bundle_path, ".js") || endswith(var.bundle_path, ".mjs")
    error_message = "bundle_path must point at the ES module bundle (.js or .mjs), e.g. ../../../dist/gateway/index.js."
  }
  validation {
    condition     = fileexists(var.bundle_path)
    error_message = "The gateway bundle does not exist. Build it first at the repo root: npx wrangler deploy --dry-run --outdir dist/gateway"
  }
}

variable "assets_directory" {
  description = "Folder of the Worker's static assets (the /docs page), built by `node scripts/build-docs-assets.ts` at the repo root. null: the repo's workers/gateway/dist/assets, the directory of wrangler.toml's [assets]."
  type        = string
  default     = null
}

variable "compatibility_date" {
  description = "Workers compatibility_date; keep it equal to compatibility_date in wrangler.toml."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", var.compatibility_date))
    error_message = "compatibility_date must be YYYY-MM-DD."
  }
}

variable "compatibility_flags" {
  description = "Workers compatibility_flags; keep them equal to compatibility_flags in wrangler.toml (none today: the gateway uses only web-standard APIs)."
  type        = list(string)
  default     = []
}

# --- Bindings (names are the contract with workers/gateway; see terraform/terraform.test.ts) --

variable "user_service_url" {
  description = "USER_SERVICE_URL plain-text binding: HTTPS URL of the user service origin (the services module's user_service_url output)."
  type        = string

  validation {
    condition     = can(regex("^https://[^/]+$", var.user_service_url))
    error_message = "user_service_url must be an https:// origin without a path, e.g. https://origin-api.example.com."
  }
}

variable "edge_cache_ttl_seconds" {
  description = "EDGE_CACHE_TTL_SECONDS plain-text binding: seconds a read stays in the edge cache (Cache API, per caller); 0 turns it off."
  type        = number
  default     = 5

  validation {
    # Same range the gateway's parseConfig accepts.
    condition     = var.edge_cache_ttl_seconds >= 0 && var.edge_cache_ttl_seconds <= 3600 && floor(var.edge_cache_ttl_seconds) == var.edge_cache_ttl_seconds
    error_message = "edge_cache_ttl_seconds must be a whole number of seconds between 0 and 3600."
  }
}

variable "upstream_timeout_ms" {
  description = "UPSTREAM_TIMEOUT_MS plain-text binding: how long the Worker waits for the user service."
  type        = number
  default     = 3000

  validation {
    # Same range the gateway's parseConfig accepts.
    condition     = var.upstream_timeout_ms >= 1 && var.upstream_timeout_ms <= 60000 && floor(var.upstream_timeout_ms) == var.upstream_timeout_ms
    error_message = "upstream_timeout_ms must be a whole number of milliseconds between 1 and 60000."
  }
}

variable "service_token_secret" {
  description = "SERVICE_TOKEN_SECRET secret-text binding (the same value the services read from Secrets Manager)."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.service_token_secret) >= 32
    error_message = "service_token_secret must be at least 32 characters."
  }
}

variable "jwt_secret" {
  description = "JWT_SECRET secret-text binding: HS256 key of end-user tokens (the same value the user service reads from Secrets Manager), or \"\" when jwt_jwks_url is set."
  type        = string
  sensitive   = true

  validation {
    condition     = var.jwt_secret == "" || length(var.jwt_secret) >= 32
    error_message = "jwt_secret must be empty or at least 32 characters."
  }
}

variable "jwt_jwks_url" {
  description = "JWT_JWKS_URL plain-text binding: https URL of the identity provider's JSON Web Key Set (RS256/ES256 tokens); \"\" to verify HS256 tokens with jwt_secret instead."
  type        = string
  default     = ""

  validation {
    condition     = var.jwt_jwks_url == "" || startswith(var.jwt_jwks_url, "https://")
    error_message = "jwt_jwks_url must be empty or an https URL."
  }
}

variable "jwt_issuer" {
  description = "JWT_ISSUER plain-text binding: the iss every end-user token must carry (the identity provider's issuer URL)."
  type        = string

  validation {
    condition     = trimspace(var.jwt_issuer) != ""
    error_message = "jwt_issuer must not be empty."
  }
}

variable "jwt_audience" {
  description = "JWT_AUDIENCE plain-text binding: the aud every end-user token must carry (this API's identifier at the identity provider)."
  type        = string

  validation {
    condition     = trimspace(var.jwt_audience) != ""
    error_message = "jwt_audience must not be empty."
  }
}

variable "cors_allowed_origins" {
  description = "CORS_ALLOWED_ORIGINS plain-text binding: comma-separated browser origins allowed to call the API (e.g. https://app.example.com); \"\" for none."
  type        = string
  default     = ""
}

variable "rate_limit" {
  description = "RATE_LIMITER ratelimit binding: namespace_id (a positive integer, unique per account, as a string) and a simple limit of `limit` requests per `period` seconds (10 or 60)."
  type = object({
    namespace_id = string
    limit        = number
    period       = number
  })

  validation {
    condition     = can(regex("^[1-9][0-9]*$", var.rate_limit.namespace_id))
    error_message = "rate_limit.namespace_id must be a positive integer written as a string, e.g. \"1001\"."
  }
  validation {
    condition     = contains([10, 60], var.rate_limit.period) && var.rate_limit.limit >= 1
    error_message = "rate_limit.period must be 10 or 60 seconds and rate_limit.limit at least 1."
  }
}

# --- Observability ----------------------------------------------------------

variable "observability_head_sampling_rate" {
  description = "Fraction of requests (0-1] recorded by Workers Logs."
  type        = number
  default     = 1

  validation {
    condition     = var.observability_head_sampling_rate > 0 && var.observability_head_sampling_rate <= 1
    error_message = "observability_head_sampling_rate must be in (0, 1]."
  }
}

# --- Public entry points (at least one) --------------------------------------

variable "zone_id" {
  description = "Cloudflare zone id of the public hostname (used by the route and the custom domain)."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.zone_id))
    error_message = "zone_id must be a 32-character lowercase hex Cloudflare zone id."
  }
}

variable "custom_domain" {
  description = "Hostname served entirely by the Worker through a Workers Custom Domain (Cloudflare creates the DNS record and certificate), e.g. \"api.example.com\". null to skip."
  type        = string
  default     = null

  validation {
    condition     = var.custom_domain == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.custom_domain))
    error_message = "custom_domain must be a lowercase hostname without scheme or path."
  }
}

variable "route_pattern" {
  description = "Workers route pattern on an existing proxied hostname, e.g. \"example.com/api/*\". null to skip."
  type        = string
  default     = null

  validation {
    condition     = var.route_pattern == null || can(regex("^[^/:]+(/.*)?$", var.route_pattern))
    error_message = "route_pattern must look like host/path*, without a scheme (e.g. example.com/api/*)."
  }
}

variable "public_reads" {
  description = "PUBLIC_READS plain-text binding: anonymous callers may read users and their orders (service-token scope users:read). See docs/security.md."
  type        = bool
  default     = false
}
