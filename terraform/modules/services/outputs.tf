output "user_service_url" {
  description = "HTTPS URL of the user service through the ALB, for the Worker's USER_SERVICE_URL binding."
  value       = "https://${var.user_service_domain_name}"
}

output "order_service_url" {
  description = "In-VPC URL of the order service (native gRPC over h2c), as passed to the user service in ORDER_SERVICE_URL."
  value       = local.order_service_url
}

output "alb_dns_name" {
  description = "DNS name of the ALB; point user_service_domain_name at it when route53_zone_id is null."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Route 53 hosted zone id of the ALB (for alias records)."
  value       = aws_lb.this.zone_id
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
  description = "ECS service name per service."
  value       = { for k, s in aws_ecs_service.this : k => s.name }
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
  description = "ARN of the RDS-managed master user secret of each cluster."
  value       = { for k, c in aws_rds_cluster.this : k => c.master_user_secret[0].secret_arn }
}

output "shared_secret_arns" {
  description = "Secrets Manager ARN per shared secret (SERVICE_TOKEN_SECRET, JWT_SECRET)."
  value       = { for k, s in aws_secretsmanager_secret.shared : k => s.arn }
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
