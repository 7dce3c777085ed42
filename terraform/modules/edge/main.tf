# The production gateway Worker. Terraform owns the script, its bindings and its public
# entry points; `wrangler deploy` stays the local-first path for non-production scripts.

locals {
  # Default: the folder the repo's build writes (wrangler.toml [assets] directory).
  assets_directory = coalesce(var.assets_directory, abspath("${path.module}/../../../workers/gateway/dist/assets"))
}

resource "cloudflare_workers_script" "gateway" {
  account_id  = var.account_id
  script_name = var.script_name

  # Bundle produced by `npx wrangler deploy --dry-run --outdir dist/gateway`.
  content_file   = var.bundle_path
  content_sha256 = filesha256(var.bundle_path)
  main_module    = basename(var.bundle_path)

  compatibility_date  = var.compatibility_date
  compatibility_flags = var.compatibility_flags

  # Static assets: the /docs page (Swagger UI over /openapi.json), built by
  # `node scripts/build-docs-assets.ts` into workers/gateway/dist/assets. The provider uploads
  # the folder and redeploys when its manifest changes. Keep `config` equal to wrangler.toml's
  # [assets]: terraform/terraform.test.ts compares them.
  assets = {
    directory = local.assets_directory
    config = {
      html_handling      = "auto-trailing-slash"
      not_found_handling = "none"
      run_worker_first   = false
    }
  }

  # Binding names are what workers/gateway reads from `env`. Keep them literal:
  # terraform/terraform.test.ts compares them with wrangler.toml and the secret list.
  bindings = [
    {
      name = "USER_SERVICE_URL"
      type = "plain_text"
      text = var.user_service_url
    },
    {
      name = "UPSTREAM_TIMEOUT_MS"
      type = "plain_text"
      text = tostring(var.upstream_timeout_ms)
    },
    {
      name = "EDGE_CACHE_TTL_SECONDS"
      type = "plain_text"
      text = tostring(var.edge_cache_ttl_seconds)
    },
    {
      name = "PUBLIC_READS"
      type = "plain_text"
      text = tostring(var.public_reads)
    },
    {
      name = "JWT_ISSUER"
      type = "plain_text"
      text = var.jwt_issuer
    },
    {
      name = "JWT_AUDIENCE"
      type = "plain_text"
      text = var.jwt_audience
    },
    {
      name = "JWT_JWKS_URL"
      type = "plain_text"
      text = var.jwt_jwks_url
    },
    {
      name = "CORS_ALLOWED_ORIGINS"
      type = "plain_text"
      text = var.cors_allowed_origins
    },
    {
      name = "SERVICE_TOKEN_SECRET"
      type = "secret_text"
      text = var.service_token_secret
    },
    {
      name = "JWT_SECRET"
      type = "secret_text"
      text = var.jwt_secret
    },
    {
      name         = "RATE_LIMITER"
      type         = "ratelimit"
      namespace_id = var.rate_limit.namespace_id
      simple = {
        limit  = var.rate_limit.limit
        period = var.rate_limit.period
      }
    },
  ]

  observability = {
    enabled            = true
    head_sampling_rate = var.observability_head_sampling_rate
    logs = {
      enabled            = true
      invocation_logs    = true
      head_sampling_rate = var.observability_head_sampling_rate
    }
  }

  lifecycle {
    precondition {
      condition     = fileexists("${local.assets_directory}/docs/index.html")
      error_message = "The /docs assets are not built. Build them first at the repo root: node scripts/build-docs-assets.ts"
    }
    precondition {
      # The Worker refuses to start otherwise (workers/gateway/src/config/parse-jwt-config.ts).
      condition     = (var.jwt_secret == "") != (var.jwt_jwks_url == "")
      error_message = "Set exactly one of jwt_secret (HS256) and jwt_jwks_url (RS256/ES256 from the identity provider)."
    }
    precondition {
      condition     = var.custom_domain != null || var.route_pattern != null
      error_message = "Set custom_domain and/or route_pattern, otherwise the Worker has no public entry point."
    }
  }
}

resource "cloudflare_workers_custom_domain" "gateway" {
  count = var.custom_domain == null ? 0 : 1

  account_id = var.account_id
  zone_id    = var.zone_id
  hostname   = var.custom_domain
  service    = cloudflare_workers_script.gateway.script_name
}

resource "cloudflare_workers_route" "gateway" {
  count = var.route_pattern == null ? 0 : 1

  zone_id = var.zone_id
  pattern = var.route_pattern
  script  = cloudflare_workers_script.gateway.script_name
}
