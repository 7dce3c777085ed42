variable "account_id" {
  description = "Cloudflare account id that owns the Worker."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.account_id))
    error_message = "account_id must be a 32-character lowercase hex Cloudflare account id."
  }
}

variable "script_name" {
  description = "Name of the Worker. Keep it different from the `name` in wrangler.toml so `wrangler deploy` (local-first, previews) never overwrites the Terraform-owned production Worker."
  type        = string
  default     = "grpc-edge-gateway-production"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,62}$", var.script_name))
    error_message = "script_name must be 1-63 lowercase letters, digits or hyphens."
  }
}

variable "bundle_path" {
  description = "Path to the gateway bundle built by `npx wrangler deploy --dry-run --outdir dist/gateway` at the repo root (an ES module, dist/gateway/index.js; its source map index.js.map lies beside it). Relative paths resolve from the directory Terraform runs in."
  type        = string

  validation {
    condition     = endswith(var.bundle_path, ".js") || endswith(var.bundle_path, ".mjs")
    error_message = "bundle_path must point at the ES module bundle (.js or .mjs), e.g. ../../../dist/gateway/index.js."
  }
}

variable "source_map_path" {
  description = "Source map of the bundle, uploaded as an application/source-map module (wrangler.toml upload_source_maps). null: bundle_path + \".map\", where wrangler writes it."
  type        = string
  default     = null

  validation {
    condition     = var.source_map_path == null || endswith(coalesce(var.source_map_path, ".map"), ".map")
    error_message = "source_map_path must end in .map."
  }
}

variable "assets_directory" {
  description = "Folder uploaded as the Worker's static assets: the /docs page only (docs/), without _headers or _redirects, which the provider would serve as files (docs/deploy.md copies workers/gateway/dist/assets/docs into dist/gateway-assets/)."
  type        = string
}

variable "assets_headers_file" {
  description = "The `_headers` rules of the assets (security headers of /docs), uploaded as the version's `_headers` module. null: workers/gateway/dist/assets/_headers, which `node scripts/build-docs-assets.ts` writes next to wrangler.toml's [assets] folder."
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
  description = "USER_SERVICE_URL plain-text binding: base URL of the user service. Through the SERVICES binding only its path matters (the host becomes the Host header); use the services module's origin_url."
  type        = string

  validation {
    condition     = can(regex("^https?://[^/]+$", var.user_service_url))
    error_message = "user_service_url must be an http(s) origin without a path, e.g. http://internal-grpc-edge-production-123.eu-west-1.elb.amazonaws.com."
  }
}

variable "order_service_url" {
  description = "ORDER_SERVICE_URL plain-text binding: base URL of the order service's public RPCs (GetOrder, CancelOrder, ListItems, GetItem). In production the same internal ALB as user_service_url, which routes by RPC path."
  type        = string

  validation {
    condition     = can(regex("^https?://[^/]+$", var.order_service_url))
    error_message = "order_service_url must be an http(s) origin without a path."
  }
}

variable "origin_hostname" {
  description = "Hostname the Workers VPC service sends the SERVICES binding's requests to, resolved by cloudflared inside the VPC: the internal ALB's DNS name (the services module's origin_hostname)."
  type        = string

  validation {
    condition     = can(regex("^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$", var.origin_hostname))
    error_message = "origin_hostname must be a DNS name without scheme, port or path."
  }
}

variable "origin_http_port" {
  description = "Port of the internal ALB's HTTP listener (the services module listens on 80)."
  type        = number
  default     = 80

  validation {
    condition     = var.origin_http_port >= 1 && var.origin_http_port <= 65535 && floor(var.origin_http_port) == var.origin_http_port
    error_message = "origin_http_port must be a TCP port."
  }
}

variable "tunnel_name" {
  description = "Name of the Cloudflare Tunnel and of the Workers VPC service (unique in the account), e.g. grpc-edge-production."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,62}$", var.tunnel_name))
    error_message = "tunnel_name must be 2-63 lowercase letters, digits or hyphens."
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
  description = "UPSTREAM_TIMEOUT_MS plain-text binding: how long the Worker waits for a service."
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

variable "jwt_jwks_url" {
  description = "JWT_JWKS_URL plain-text binding: https URL of the identity provider's JSON Web Key Set. Required: this module deploys production, where end-user tokens are RS256/ES256 from the IdP (HS256 with JWT_SECRET is for development only and is not bound here)."
  type        = string

  validation {
    condition     = can(regex("^https://[^/\\s]+/\\S*$", var.jwt_jwks_url))
    error_message = "jwt_jwks_url must be the identity provider's https JWKS URL."
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

variable "admin_claim" {
  description = "ADMIN_CLAIM plain-text binding: name of the end-user token claim the identity provider sets for administrators (e.g. \"roles\", or a namespaced claim such as \"https://api.example.com/roles\")."
  type        = string
  default     = "roles"

  validation {
    condition     = trimspace(var.admin_claim) != "" && !contains(["scope", "scp", "sub", "iss", "aud", "exp", "nbf", "iat"], var.admin_claim)
    error_message = "admin_claim must name a claim the identity provider assigns, not a standard or client-requestable one such as scope."
  }
}

variable "admin_claim_value" {
  description = "ADMIN_CLAIM_VALUE plain-text binding: a token is an administrator's when ADMIN_CLAIM equals this value or is an array containing it."
  type        = string
  default     = "grpc-edge-admin"

  validation {
    condition     = trimspace(var.admin_claim_value) != ""
    error_message = "admin_claim_value must not be empty."
  }
}

variable "rate_limit" {
  description = "RATE_LIMITER ratelimit binding: namespace_id (a positive integer as a string, one per environment: never the one in wrangler.toml, which `wrangler dev`/previews count in) and a simple limit of `limit` requests per `period` seconds (10 or 60)."
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

variable "auth_failure_limit" {
  description = "AUTH_FAILURE_LIMITER ratelimit binding: failed authentications (401s) per client network (IPv4 address, IPv6 /64). namespace_id (a positive integer as a string, this environment's own, different from rate_limit's and never the one in wrangler.toml) and a simple limit of `limit` failures per `period` seconds (10 or 60)."
  type = object({
    namespace_id = string
    limit        = number
    period       = number
  })

  validation {
    condition     = can(regex("^[1-9][0-9]*$", var.auth_failure_limit.namespace_id))
    error_message = "auth_failure_limit.namespace_id must be a positive integer written as a string, e.g. \"1002\"."
  }
  validation {
    condition     = contains([10, 60], var.auth_failure_limit.period) && var.auth_failure_limit.limit >= 1
    error_message = "auth_failure_limit.period must be 10 or 60 seconds and auth_failure_limit.limit at least 1."
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
  description = "PUBLIC_READS plain-text binding: anonymous callers may read users and their orders (service-token scope users:read). Off in production; `npm run dev` turns it on (scripts/dev.ts). See docs/security.md."
  type        = bool
  default     = false
}
