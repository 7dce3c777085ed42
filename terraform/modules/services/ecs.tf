# Fargate task definitions, services, Cloud Map discovery and CPU autoscaling.

resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = var.service_discovery_namespace
  description = "Private service discovery for ${var.name}"
  vpc         = aws_vpc.this.id
  tags        = local.common_tags
}

# order.<namespace> -> A records of the running order tasks (native gRPC over h2c).
resource "aws_service_discovery_service" "order" {
  name = "order"

  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.this.id
    routing_policy = "MULTIVALUE"

    dns_records {
      type = "A"
      ttl  = 10
    }
  }

  # ECS reports task health to Cloud Map and deregisters a task before stopping it.
  health_check_custom_config {
    failure_threshold = 1
  }

  tags = merge(local.common_tags, { Service = "order" })
}

locals {
  # Plain (non-secret) environment per service. Secrets are in local.container_secrets.
  container_environment = {
    for svc, port in local.service_ports : svc => merge(
      {
        PORT              = tostring(port)
        HOST              = "0.0.0.0"
        LOG_LEVEL         = local.service_config[svc].log_level
        SHUTDOWN_GRACE_MS = tostring(var.shutdown_grace_ms)
        NODE_ENV          = "production"
        DATABASE_HOST     = aws_rds_cluster.this[svc].endpoint
        DATABASE_PORT     = tostring(aws_rds_cluster.this[svc].port)
        DATABASE_NAME     = local.database_names[svc]
        DATABASE_USER     = var.db_master_username
        DATABASE_SSLMODE  = var.db_ssl_mode
      },
      svc == "user" ? { ORDER_SERVICE_URL = local.order_service_url } : {},
    )
  }

  container_definitions = {
    for svc, port in local.service_ports : svc => [merge(
      {
        name      = svc
        image     = "${aws_ecr_repository.this[svc].repository_url}:${local.service_config[svc].image_tag}"
        essential = true

        portMappings = [{
          name          = "${svc}-grpc"
          containerPort = port
          protocol      = "tcp"
        }]

        environment = [for k in sort(keys(local.container_environment[svc])) : {
          name  = k
          value = local.container_environment[svc][k]
        }]
        secrets = local.container_secrets[svc]

        # Seconds between SIGTERM and SIGKILL: the service's drain window plus a margin.
        stopTimeout = local.stop_timeout_seconds

        logConfiguration = {
          logDriver = "awslogs"
          options = {
            awslogs-group         = aws_cloudwatch_log_group.service[svc].name
            awslogs-region        = data.aws_region.current.name
            awslogs-stream-prefix = svc
          }
        }
      },
      # Liveness only (/healthz). Readiness (/readyz) is the ALB's job: a failing readiness
      # check must take a task out of rotation, not get it killed.
      var.container_health_check ? {
        healthCheck = {
          command     = ["CMD", "node", "-e", "fetch('http://127.0.0.1:${port}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
          interval    = 15
          timeout     = 5
          retries     = 3
          startPeriod = 30
        }
      } : {},
    )]
  }
}

resource "aws_ecs_task_definition" "this" {
  for_each = local.service_ports

  family                   = "${var.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(local.service_config[each.key].cpu)
  memory                   = tostring(local.service_config[each.key].memory)
  execution_role_arn       = aws_iam_role.execution[each.key].arn
  task_role_arn            = aws_iam_role.task[each.key].arn
  container_definitions    = jsonencode(local.container_definitions[each.key])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  tags = merge(local.common_tags, { Service = each.key })
}

resource "aws_ecs_service" "this" {
  for_each = local.service_ports

  name            = each.key
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.this[each.key].arn
  desired_count   = local.service_config[each.key].desired_count
  launch_type     = "FARGATE"

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.service[each.key].id]
    assign_public_ip = false
  }

  # The user service is the only one behind the ALB (Worker -> HTTPS -> ALB -> HTTP/1.1).
  dynamic "load_balancer" {
    for_each = each.key == "user" ? [aws_lb_target_group.user.arn] : []
    content {
      target_group_arn = load_balancer.value
      container_name   = each.key
      container_port   = each.value
    }
  }
  health_check_grace_period_seconds = each.key == "user" ? var.health_check_grace_period_seconds : null

  # The order service is discovered through Cloud Map (private DNS) only.
  dynamic "service_registries" {
    for_each = each.key == "order" ? [aws_service_discovery_service.order.arn] : []
    content {
      registry_arn = service_registries.value
    }
  }

  enable_ecs_managed_tags = true
  propagate_tags          = "SERVICE"
  tags                    = merge(local.common_tags, { Service = each.key })

  # The target group must be attached to the ALB before ECS can register targets.
  depends_on = [aws_lb_listener.https, aws_iam_role_policy.execution_secrets]

  lifecycle {
    # Owned by autoscaling after creation.
    ignore_changes = [desired_count]
  }
}

resource "aws_appautoscaling_target" "service" {
  for_each = aws_ecs_service.this

  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${each.value.name}"
  min_capacity       = local.service_config[each.key].min_count
  max_capacity       = local.service_config[each.key].max_count
}

resource "aws_appautoscaling_policy" "cpu" {
  for_each = aws_appautoscaling_target.service

  name               = "${var.name}-${each.key}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = each.value.service_namespace
  scalable_dimension = each.value.scalable_dimension
  resource_id        = each.value.resource_id

  target_tracking_scaling_policy_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
    target_value       = var.autoscaling_cpu_target
    scale_in_cooldown  = 120
    scale_out_cooldown = 60
  }
}
