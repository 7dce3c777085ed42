output "public_url" {
  description = "Public URL of the REST API (the Worker); `npm run smoke -- <this> --token ...` checks it."
  value       = module.edge.public_url
}

output "origin_hostname" {
  description = "Internal ALB DNS name the Workers VPC service reaches through the tunnel (not resolvable or reachable from the internet)."
  value       = module.services.origin_hostname
}

output "tunnel_id" {
  description = "Cloudflare Tunnel run by the cloudflared ECS service."
  value       = module.edge.tunnel_id
}

output "ecr_repository_urls" {
  description = "Where to push the service images (<url>:<image_tag>)."
  value       = module.services.ecr_repository_urls
}

output "ecs_cluster_name" {
  description = "ECS cluster name (for `aws ecs` commands)."
  value       = module.services.ecs_cluster_name
}

output "ecs_service_names" {
  description = "ECS service names (user, order, cloudflared)."
  value       = module.services.ecs_service_names
}

output "log_group_names" {
  description = "CloudWatch log groups of the services and cloudflared."
  value       = module.services.log_group_names
}

output "worker_script_name" {
  description = "Name of the Terraform-managed Worker."
  value       = module.edge.script_name
}
