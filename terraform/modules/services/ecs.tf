# Fargate task definitions, services, Cloud Map discovery and CPU autoscaling.
#
# Every service task has three containers, started in order:
#   rds-ca        (service image) copies the RDS CA bundle the image ships into a task volume;
#   db-bootstrap  (psql image) logs in as the master user, verify-full against that bundle,
#                 and creates the application role (db-bootstrap.sql);
#   <service>     starts only once db-bootstrap exited 0, and logs in as the application
#                 role with IAM tokens, verify-full against the same bundle.

resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = var.service_discovery_namespace
  description = "Private service discovery for ${var.name}"
  vpc         = aws_vpc.this.id
  tags        = local.common_tags
}

# order.<namespace> -> one A record per running order task. The user service resolves all
# of them and spreads its native gRPC calls over them, re-resolving periodically (TTL 10 s).
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
  rds_ca_volume    = "rds-ca"
  rds_ca_task_path = "/rds-ca/rds-ca-bundle.pem"

  image = { for svc in keys(local.service_ports) : svc => "${aws_ecr_repository.this[svc].repository_url}:${var.services[svc].image_tag}" }

  # Plain (non-secret) environment per service. No password anywhere: DATABASE_AUTH=iam.
  container_environment = {
    for svc, port in local.service_ports : svc => merge(
      {
        PORT              = tostring(port)
        HOST              = "0.0.0.0"
        METRICS_PORT      = tostring(var.metrics_port)
        LOG_LEVEL         = var.services[svc].log_level
        SHUTDOWN_GRACE_MS = tostring(var.shutdown_grace_ms)
        NODE_ENV          = "production"
        AWS_REGION        = data.aws_region.current.name
        DATABASE_HOST     = aws_rds_cluster.this[svc].endpoint
        DATABASE_PORT     = tostring(aws_rds_cluster.this[svc].port)
        DATABASE_NAME     = local.database_names[svc]
        DATABASE_USER     = var.db_app_username
        DATABASE_AUTH     = "iam"
        DATABASE_SSLMODE  = "verify-full"
        DATABASE_CA_FILE  = var.rds_ca_bundle_path
      },
      svc == "user" ? { ORDER_SERVICE_URL = local.order_service_url } : {},
    )
  }

  log_configuration = {
    for group in keys(aws_cloudwatch_log_group.service) : group => {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.service[group].name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = group
      }
    }
  }

  container_definitions = {
    for svc, port in local.service_ports : svc => [
      {
        name             = "rds-ca"
        image            = local.image[svc]
        essential        = false
        user             = "0"
        command          = ["cp", var.rds_ca_bundle_path, local.rds_ca_task_path]
        mountPoints      = [{ sourceVolume = local.rds_ca_volume, containerPath = dirname(local.rds_ca_task_path), readOnly = false }]
        logConfiguration = local.log_configuration[svc]
      },
      {
        name        = "db-bootstrap"
        image       = var.db_bootstrap_image
        essential   = false
        dependsOn   = [{ containerName = "rds-ca", condition = "SUCCESS" }]
        mountPoints = [{ sourceVolume = local.rds_ca_volume, containerPath = dirname(local.rds_ca_task_path), readOnly = true }]
        environment = [for k, v in {
          PGHOST            = aws_rds_cluster.this[svc].endpoint
          PGPORT            = tostring(aws_rds_cluster.this[svc].port)
          PGDATABASE        = local.database_names[svc]
          PGUSER            = var.db_master_username
          PGSSLMODE         = "verify-full"
          PGSSLROOTCERT     = local.rds_ca_task_path
          PGCONNECT_TIMEOUT = "10"
          PGAPPNAME         = "${var.name}-db-bootstrap"
        } : { name = k, value = v }]
        secrets = [{ name = "PGPASSWORD", valueFrom = "${local.master_secret_arns[svc]}:password::" }]
        command = ["psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-c", templatefile("${path.module}/db-bootstrap.sql", {
          app_user = var.db_app_username
          database = local.database_names[svc]
        })]
        logConfiguration = local.log_configuration[svc]
      },
      merge(
        {
          name      = svc
          image     = local.image[svc]
          essential = true
          dependsOn = [{ containerName = "db-bootstrap", condition = "SUCCESS" }]

          portMappings = [
            { name = "${svc}-rpc", containerPort = port, protocol = "tcp" },
            { name = "${svc}-metrics", containerPort = var.metrics_port, protocol = "tcp" },
          ]

          environment = [for k in sort(keys(local.container_environment[svc])) : {
            name  = k
            value = local.container_environment[svc][k]
          }]
          secrets = local.app_secrets[svc]

          # Seconds between SIGTERM and SIGKILL: the service's drain window plus a margin.
          stopTimeout      = local.stop_timeout_seconds
          logConfiguration = local.log_configuration[svc]
        },
        # Liveness only (/healthz): a hung process is restarted. Readiness (/readyz, database
        # reachable) is the load balancer's check, and ECS replaces tasks that fail it.
        var.container_health_check ? {
          healthCheck = {
            command     = ["CMD", "node", "-e", "fetch('http://127.0.0.1:${port}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
            interval    = 15
            timeout     = 5
            retries     = 3
            startPeriod = 30
          }
        } : {},
      ),
    ]
  }
}

resource "aws_ecs_task_definition" "this" {
  for_each = local.service_ports

  family                   = "${var.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.services[each.key].cpu)
  memory                   = tostring(var.services[each.key].memory)
  execution_role_arn       = aws_iam_role.execution[each.key].arn
  task_role_arn            = aws_iam_role.task[each.key].arn
  container_definitions    = jsonencode(local.container_definitions[each.key])

  # Task-local scratch volume for the CA bundle (Fargate ephemeral storage).
  volume {
    name = local.rds_ca_volume
  }

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
  desired_count   = var.services[each.key].desired_count
  launch_type     = "FARGATE"

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  # A bad image is rolled back; on the first apply there is nothing to roll back to, and
  # wait_for_steady_state turns that into a failed apply instead of a silent success.
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  wait_for_steady_state = true

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.service[each.key].id]
    assign_public_ip = false
  }

  # Both services sit behind the internal ALB (its /readyz check is the readiness check).
  load_balancer {
    target_group_arn = aws_lb_target_group.service[each.key].arn
    container_name   = each.key
    container_port   = each.value
  }
  health_check_grace_period_seconds = var.health_check_grace_period_seconds

  # The order service is also discovered through Cloud Map (user -> order, native gRPC).
  dynamic "service_registries" {
    for_each = each.key == "order" ? [aws_service_discovery_service.order.arn] : []
    content {
      registry_arn = service_registries.value
    }
  }

  enable_ecs_managed_tags = true
  propagate_tags          = "SERVICE"
  tags                    = merge(local.common_tags, { Service = each.key })

  # Target groups must be attached to the listener before ECS registers targets; the
  # database instances (not just the clusters) must exist before a task can get ready.
  depends_on = [
    aws_lb_listener_rule.route,
    aws_rds_cluster_instance.this,
    aws_iam_role_policy.execution_secrets,
    aws_iam_role_policy.task_db_connect,
  ]

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
  min_capacity       = var.services[each.key].min_count
  max_capacity       = var.services[each.key].max_count
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
