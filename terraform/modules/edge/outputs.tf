output "script_name" {
  description = "Name of the deployed Worker script."
  value       = cloudflare_workers_script.gateway.script_name
}

output "content_sha256" {
  description = "SHA-256 of the deployed bundle (compare with `sha256sum dist/gateway/index.js`)."
  value       = cloudflare_workers_script.gateway.content_sha256
}

output "public_url" {
  description = "Public base URL of the gateway: the custom domain if set, otherwise the route's host."
  value       = var.custom_domain != null ? "https://${var.custom_domain}" : "https://${split("/", var.route_pattern)[0]}"
}

output "route_id" {
  description = "ID of the Workers route, or null when route_pattern is null."
  value       = one(cloudflare_workers_route.gateway[*].id)
}

output "custom_domain_id" {
  description = "ID of the Workers Custom Domain, or null when custom_domain is null."
  value       = one(cloudflare_workers_custom_domain.gateway[*].id)
}
