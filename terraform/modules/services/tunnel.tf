# cloudflared: the connector of the Cloudflare Tunnel that the Worker's Workers VPC binding
# uses to reach the internal ALB. It only dials out (Cloudflare's edge on 7844, QUIC), so
# nothing here listens to the internet. Its token comes from Secrets Manager.

resource "aws_ecs_task_definition" "cloudflared" {
  family                   = "${var.name}-cloudflared"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.cloudflared.cpu)
  memory                   = tostring(var.cloudflared.memory)
  execution_role_arn       = aws_iam_role.execution["cloudflared"].arn
  task_role_arn            = aws_iam_role.task["cloudflared"].arn

  container_definitions = jsonencode([{
    name      = "cloudflared"
    image     = var.cloudflared.image
    essential = true
    # The tunnel is remotely managed (edge module): the token names it, QUIC is what
    # Workers VPC needs; the image is pinned, so no self-update.
    command          = ["tunnel", "--no-autoupdate", "--protocol", "quic", "run"]
    secrets          = local.app_secrets["cloudflared"]
    logConfiguration = local.log_configuration["cloudflared"]
  }])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  tags = merge(local.common_tags, { Service = "cloudflared" })
}

resource "aws_ecs_service" "cloudflared" {
  name            = "cloudflared"
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.cloudflared.arn
  desired_count   = var.cloudflared.desired_count
  launch_type     = "FARGATE"

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  wait_for_steady_state = true

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.cloudflared.id]
    assign_public_ip = false
  }

  enable_ecs_managed_tags = true
  propagate_tags          = "SERVICE"
  tags                    = merge(local.common_tags, { Service = "cloudflared" })

  # Egress through NAT must exist before the connector can dial out.
  depends_on = [aws_route.private_nat, aws_iam_role_policy.execution_secrets, aws_secretsmanager_secret_version.this]
}
