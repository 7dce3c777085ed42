output "origin_url" {
  description = "Base URL the Worker uses for both services (USER_SERVICE_URL and ORDER_SERVICE_URL): the internal ALB, which routes by RPC path. Reachable only through the tunnel."
  value       = local.origin_url
}

output "origin_hostname" {
  description = "DNS name of the internal ALB: the host of the Workers VPC service (resolved inside the VPC by cloudflared)."
  value       = aws_lb.this.dns_name
}

output "order_service_url" {
  description = "In-VPC URL of the order service for the user service (native gRPC over h2c, Cloud Map MULTIVALUE A records), as passed in ORDER_SERVICE_URL."
  value       = local.order_service_url
}

output "public_rpc_paths" {
  description = "The RPC paths the internal ALB forwards, by target service; everything else gets a fixed 404."
  value       = local.public_rpc_paths
}

output "ecr_repository_urls" {
  description = "ECR repository URL per service (push <url>:<image_tag>)."
  value       = { for k, r in aws_ecr_repository.this : k => r.repository_url }
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "ecs_service_names" {
  description = "ECS service name per service, cloudflared included."
  value       = merge({ for k, s in aws_ecs_service.this : k => s.name }, { cloudflared = aws_ecs_service.cloudflared.name })
}

output "task_definition_arns" {
  description = "Task definition ARN (with revision) per service; previous revisions are rollback targets."
  value       = { for k, t in aws_ecs_task_definition.this : k => t.arn }
}

output "log_group_names" {
  description = "CloudWatch log group per service."
  value       = { for k, g in aws_cloudwatch_log_group.service : k => g.name }
}

output "database_endpoints" {
  description = "Writer endpoint of each service's Aurora cluster."
  value       = { for k, c in aws_rds_cluster.this : k => c.endpoint }
}

output "database_master_secret_arns" {
  description = "ARN of the RDS-managed master user secret of each cluster (read only by the db-bootstrap init container)."
  value       = local.master_secret_arns
}

output "secret_arns" {
  description = "Secrets Manager ARN per secret (SERVICE_TOKEN_SECRET, TUNNEL_TOKEN)."
  value       = { for k, s in aws_secretsmanager_secret.this : k => s.arn }
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "private_subnet_ids" {
  description = "IDs of the private subnets (tasks and databases)."
  value       = aws_subnet.private[*].id
}

output "stop_timeout_seconds" {
  description = "Container stopTimeout derived from shutdown_grace_ms."
  value       = local.stop_timeout_seconds
}

output "deregistration_delay_seconds" {
  description = "ALB deregistration delay in effect."
  value       = local.deregistration_delay
}
