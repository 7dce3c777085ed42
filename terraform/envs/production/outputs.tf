output "public_url" {
  description = "Public URL of the REST API (the Worker)."
  value       = module.edge.public_url
}

output "user_service_url" {
  description = "Origin URL the Worker calls (ALB, HTTPS)."
  value       = module.services.user_service_url
}

output "alb_dns_name" {
  description = "ALB DNS name; the target of user_service_domain_name when route53_zone_id is null."
  value       = module.services.alb_dns_name
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
  description = "ECS service names."
  value       = module.services.ecs_service_names
}

output "log_group_names" {
  description = "CloudWatch log groups of the services."
  value       = module.services.log_group_names
}

output "worker_script_name" {
  description = "Name of the Terraform-managed Worker script."
  value       = module.edge.script_name
}
