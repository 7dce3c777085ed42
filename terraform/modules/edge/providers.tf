terraform {
  required_version = ">= 1.11"

  required_providers {
    cloudflare = {
      source = "cloudflare/cloudflare"
      # 5.19: content_file/content_sha256, `ratelimit` bindings and observability on
      # cloudflare_workers_script. Major 6 may change the schema again.
      version = ">= 5.19, < 6.0"
    }
  }
}
