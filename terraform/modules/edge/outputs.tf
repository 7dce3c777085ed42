output "script_name" {
  description = "Name of the deployed Worker."
  value       = cloudflare_worker.gateway.name
}

output "version_id" {
  description = "ID of the Worker version the deployment serves (100 %)."
  value       = cloudflare_worker_version.gateway.id
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

output "tunnel_id" {
  description = "ID of the Cloudflare Tunnel the cloudflared service runs."
  value       = cloudflare_zero_trust_tunnel_cloudflared.origin.id
}

output "tunnel_token" {
  description = "Token cloudflared runs the tunnel with; the services module stores it in Secrets Manager (TUNNEL_TOKEN)."
  value       = data.cloudflare_zero_trust_tunnel_cloudflared_token.origin.token
  sensitive   = true
}

output "vpc_service_id" {
  description = "ID of the Workers VPC service bound as SERVICES."
  value       = cloudflare_connectivity_directory_service.origin.service_id
}
