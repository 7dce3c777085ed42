terraform {
  required_version = ">= 1.11"

  required_providers {
    cloudflare = {
      source = "cloudflare/cloudflare"
      # 5.19.0 is the first release with everything used here: the `vpc_service` binding
      # (service_id) on cloudflare_worker_version; cloudflare_connectivity_directory_service,
      # the tunnel resources, cloudflare_worker / _worker_version (modules with source maps)
      # and cloudflare_workers_deployment are older. terraform/schema/cloudflare-5.19.0.json
      # is that release's schema, which terraform/edge-schema.test.ts checks this module against.
      version = ">= 5.19.0, < 6.0.0"
    }
  }
}
