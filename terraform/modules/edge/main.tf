# The production gateway Worker. Terraform owns the Worker, its versions, its deployment
# and its public entry points; `wrangler deploy` stays the local-first path for other names.
#
# cloudflare_worker_version rather than cloudflare_workers_script: a version uploads several
# modules, so the bundle's source map goes up with it (wrangler.toml upload_source_maps),
# and the /docs headers go up as the `_headers` module (text/plain), which configures
# Static Assets the way wrangler does instead of being served as a file. (A
# cloudflare_workers_script uploads exactly one module: no source maps.)

locals {
  repo_root = abspath("${path.module}/../../..")

  # wrangler.toml [assets] directory: where the build writes _headers next to docs/.
  wrangler_assets_directory = "${local.repo_root}/workers/gateway/dist/assets"
  headers_file              = coalesce(var.assets_headers_file, "${local.wrangler_assets_directory}/_headers")
  source_map_path           = coalesce(var.source_map_path, "${var.bundle_path}.map")
  main_module               = basename(var.bundle_path)
}

resource "cloudflare_worker" "gateway" {
  account_id = var.account_id
  name       = var.script_name

  # Reachable only through custom_domain / route_pattern, never on workers.dev.
  subdomain = {
    enabled          = false
    previews_enabled = false
  }

  observability = {
    enabled            = true
    head_sampling_rate = var.observability_head_sampling_rate
    logs = {
      enabled            = true
      invocation_logs    = true
      head_sampling_rate = var.observability_head_sampling_rate
    }
  }
}

resource "cloudflare_worker_version" "gateway" {
  account_id          = var.account_id
  worker_id           = cloudflare_worker.gateway.id
  compatibility_date  = var.compatibility_date
  compatibility_flags = var.compatibility_flags
  main_module         = local.main_module

  # Built by `npx wrangler deploy --dry-run --outdir dist/gateway` (bundle and source map)
  # and `node scripts/build-docs-assets.ts` (_headers); content hashes trigger new versions.
  modules = [
    {
      name         = local.main_module
      content_type = "application/javascript+module"
      content_file = var.bundle_path
    },
    {
      name         = basename(local.source_map_path)
      content_type = "application/source-map"
      content_file = local.source_map_path
    },
    {
      name         = "_headers"
      content_type = "text/plain"
      content_file = local.headers_file
    },
  ]

  # The /docs page (Swagger UI). Keep `config` equal to wrangler.toml's [assets]:
  # terraform/terraform.test.ts compares them. The Worker runs first on /docs (it hands
  # GET and HEAD to the ASSETS binding, answers other methods with a 405 problem).
  assets = {
    directory = var.assets_directory
    config = {
      html_handling      = "auto-trailing-slash"
      not_found_handling = "none"
      run_worker_first   = ["/docs", "/docs/*"]
    }
  }

  # Binding names are what workers/gateway reads from `env`. Keep them literal:
  # terraform/terraform.test.ts compares them with wrangler.toml and the secret list.
  bindings = [
    {
      # wrangler.toml's [assets] binding: the /docs page's files.
      name = "ASSETS"
      type = "assets"
    },
    {
      name = "USER_SERVICE_URL"
      type = "plain_text"
      text = var.user_service_url
    },
    {
      name = "ORDER_SERVICE_URL"
      type = "plain_text"
      text = var.order_service_url
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
      name = "ADMIN_CLAIM"
      type = "plain_text"
      text = var.admin_claim
    },
    {
      name = "ADMIN_CLAIM_VALUE"
      type = "plain_text"
      text = var.admin_claim_value
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
      name         = "RATE_LIMITER"
      type         = "ratelimit"
      namespace_id = var.rate_limit.namespace_id
      simple = {
        limit  = var.rate_limit.limit
        period = var.rate_limit.period
      }
    },
    {
      # Failed authentications per client network; the gateway calls it on each 401.
      name         = "AUTH_FAILURE_LIMITER"
      type         = "ratelimit"
      namespace_id = var.auth_failure_limit.namespace_id
      simple = {
        limit  = var.auth_failure_limit.limit
        period = var.auth_failure_limit.period
      }
    },
    {
      # Every upstream call goes through this Fetcher when it is bound (the tunnel to the
      # internal ALB); without it (npm run dev, tests) the gateway uses the global fetch.
      name       = "SERVICES"
      type       = "vpc_service"
      service_id = cloudflare_connectivity_directory_service.origin.service_id
    },
  ]

  lifecycle {
    precondition {
      condition     = fileexists(var.bundle_path) && fileexists(local.source_map_path)
      error_message = "The gateway bundle or its source map is missing. Build both at the repo root: npx wrangler deploy --dry-run --outdir dist/gateway"
    }
    precondition {
      condition     = fileexists(local.headers_file) && fileexists("${var.assets_directory}/docs/index.html")
      error_message = "The /docs assets are not built. At the repo root: node scripts/build-docs-assets.ts, then copy workers/gateway/dist/assets/docs into the upload folder (docs/deploy.md)."
    }
    precondition {
      # The provider uploads every file of the folder as an asset: _headers must not be one.
      condition     = !fileexists("${var.assets_directory}/_headers") && !fileexists("${var.assets_directory}/_redirects")
      error_message = "assets_directory must not contain _headers or _redirects (they would be served as files); _headers goes up as a module from assets_headers_file."
    }
    precondition {
      condition     = var.custom_domain != null || var.route_pattern != null
      error_message = "Set custom_domain and/or route_pattern, otherwise the Worker has no public entry point."
    }
  }
}

resource "cloudflare_workers_deployment" "gateway" {
  account_id  = var.account_id
  script_name = cloudflare_worker.gateway.name
  strategy    = "percentage"

  versions = [{
    version_id = cloudflare_worker_version.gateway.id
    percentage = 100
  }]
}

resource "cloudflare_workers_custom_domain" "gateway" {
  count = var.custom_domain == null ? 0 : 1

  account_id = var.account_id
  zone_id    = var.zone_id
  hostname   = var.custom_domain
  service    = cloudflare_workers_deployment.gateway.script_name
}

resource "cloudflare_workers_route" "gateway" {
  count = var.route_pattern == null ? 0 : 1

  zone_id = var.zone_id
  pattern = var.route_pattern
  script  = cloudflare_workers_deployment.gateway.script_name
}
