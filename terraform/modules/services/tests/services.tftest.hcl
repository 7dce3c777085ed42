# Offline contract tests for the services module: `terraform test` with a mocked AWS
# provider (no credentials, no network). They pin down what `validate` and `plan` do not:
# protocols, health checks, privacy, shutdown timings and where secrets come from.

mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = {
      names    = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
      zone_ids = ["euw1-az1", "euw1-az2", "euw1-az3"]
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  # The provider still validates ARN-typed arguments, so ARNs that flow into them must
  # look like ARNs (the mock would otherwise generate random strings).
  mock_resource "aws_lb" {
    defaults = {
      arn      = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/grpc-edge-test/0123456789abcdef"
      dns_name = "grpc-edge-test-123456789.eu-west-1.elb.amazonaws.com"
      zone_id  = "Z32O12XQLNTSW2"
    }
  }

  mock_resource "aws_service_discovery_service" {
    defaults = {
      arn = "arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-0123456789abcdef"
    }
  }

  mock_resource "aws_lb_target_group" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/grpc-edge-test-user/0123456789abcdef"
    }
  }
}

override_resource {
  target = aws_iam_role.execution["user"]
  values = { arn = "arn:aws:iam::123456789012:role/grpc-edge-test-user-execution" }
}

override_resource {
  target = aws_iam_role.execution["order"]
  values = { arn = "arn:aws:iam::123456789012:role/grpc-edge-test-order-execution" }
}

override_resource {
  target = aws_iam_role.task["user"]
  values = { arn = "arn:aws:iam::123456789012:role/grpc-edge-test-user-task" }
}

override_resource {
  target = aws_iam_role.task["order"]
  values = { arn = "arn:aws:iam::123456789012:role/grpc-edge-test-order-task" }
}

# Distinct, realistic values for what RDS computes, so per-service assertions mean something.
override_resource {
  target = aws_rds_cluster.this["user"]
  values = {
    endpoint = "grpc-edge-test-user.cluster-abc.eu-west-1.rds.amazonaws.com"
    port     = 5432
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-user-AbCdEf"
      kms_key_id    = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000001"
      secret_status = "active"
    }]
  }
}

override_resource {
  target = aws_rds_cluster.this["order"]
  values = {
    endpoint = "grpc-edge-test-order.cluster-abc.eu-west-1.rds.amazonaws.com"
    port     = 5432
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-order-GhIjKl"
      kms_key_id    = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000001"
      secret_status = "active"
    }]
  }
}

variables {
  name                     = "grpc-edge-test"
  acm_certificate_arn      = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  user_service_domain_name = "origin-api.example.com"
  user_service             = { image_tag = "0123abc" }
  order_service            = { image_tag = "0123abc" }
  service_token_secret     = "test-service-token-secret-0123456789abcdef"
  jwt_secret               = "test-jwt-secret-0123456789abcdef0123456789"
}

run "worker_facing_target_group_is_http1_behind_https" {
  command = apply

  assert {
    condition     = aws_lb_target_group.user.protocol == "HTTP" && aws_lb_target_group.user.protocol_version == "HTTP1"
    error_message = "The Worker speaks Connect/gRPC-Web over HTTP/1.1: the user target group must be HTTP with protocol_version HTTP1."
  }
  assert {
    condition     = aws_lb_target_group.user.port == 50051 && aws_lb_target_group.user.target_type == "ip"
    error_message = "The user target group must target Fargate task IPs on port 50051."
  }
  assert {
    condition     = aws_lb_listener.https.protocol == "HTTPS" && aws_lb_listener.https.port == 443
    error_message = "The ALB must expose only an HTTPS listener on 443."
  }
  assert {
    condition     = aws_lb_listener.https.certificate_arn == var.acm_certificate_arn
    error_message = "The HTTPS listener must use the ACM certificate from var.acm_certificate_arn."
  }
  assert {
    condition     = aws_lb_listener.https.default_action[0].type == "forward" && aws_lb_listener.https.default_action[0].target_group_arn == aws_lb_target_group.user.arn
    error_message = "The HTTPS listener must forward to the user target group."
  }
  assert {
    condition     = aws_lb.this.internal == false && aws_lb.this.load_balancer_type == "application"
    error_message = "The ALB must be an internet-facing application load balancer."
  }
  assert {
    condition     = length(aws_ecs_service.this["user"].load_balancer) == 1 && one(aws_ecs_service.this["user"].load_balancer).target_group_arn == aws_lb_target_group.user.arn && one(aws_ecs_service.this["user"].load_balancer).container_port == 50051
    error_message = "The user ECS service must register its port 50051 in the user target group."
  }
  assert {
    condition     = output.user_service_url == "https://origin-api.example.com"
    error_message = "user_service_url must be the HTTPS URL of user_service_domain_name."
  }
}

run "health_check_is_readyz_on_the_traffic_port" {
  command = apply

  assert {
    condition     = aws_lb_target_group.user.health_check[0].path == "/readyz"
    error_message = "ALB health checks must use /readyz (503 while starting or draining)."
  }
  assert {
    condition     = aws_lb_target_group.user.health_check[0].port == "traffic-port" && aws_lb_target_group.user.health_check[0].protocol == "HTTP"
    error_message = "ALB health checks must hit the service port itself over HTTP/1.1."
  }
  assert {
    condition     = aws_lb_target_group.user.health_check[0].matcher == "200"
    error_message = "Only 200 from /readyz means ready."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] :
      strcontains(jsonencode(jsondecode(aws_ecs_task_definition.this[svc].container_definitions)[0].healthCheck.command), "/healthz")
    ])
    error_message = "Container (liveness) health checks must call /healthz, never /readyz."
  }
}

run "order_service_and_databases_are_private" {
  command = apply

  assert {
    condition     = alltrue([for s in aws_ecs_service.this : s.network_configuration[0].assign_public_ip == false])
    error_message = "No ECS task may get a public IP."
  }
  assert {
    condition     = alltrue([for s in aws_ecs_service.this : toset(s.network_configuration[0].subnets) == toset(aws_subnet.private[*].id)])
    error_message = "ECS tasks must run in the private subnets."
  }
  assert {
    condition     = length(aws_ecs_service.this["order"].load_balancer) == 0
    error_message = "The order service must not be attached to any load balancer."
  }
  assert {
    condition     = aws_ecs_service.this["order"].service_registries[0].registry_arn == aws_service_discovery_service.order.arn
    error_message = "The order service must register in Cloud Map."
  }
  assert {
    condition = length([
      for r in aws_vpc_security_group_ingress_rule.internal : r
      if r.security_group_id == aws_security_group.service["order"].id
    ]) > 0
    error_message = "The order security group must have an ingress rule from the user service."
  }
  assert {
    condition = alltrue([
      for r in aws_vpc_security_group_ingress_rule.internal :
      r.referenced_security_group_id == aws_security_group.service["user"].id && r.cidr_ipv4 == null && r.from_port == 50052 && r.to_port == 50052
      if r.security_group_id == aws_security_group.service["order"].id
    ])
    error_message = "The order security group may only accept port 50052 from the user security group."
  }
  assert {
    condition = alltrue([
      for r in aws_vpc_security_group_ingress_rule.alb_https : r.security_group_id == aws_security_group.alb.id
    ])
    error_message = "CIDR-based ingress is only allowed on the ALB security group."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] : alltrue([
        for r in aws_vpc_security_group_ingress_rule.internal :
        r.referenced_security_group_id == aws_security_group.service[svc].id && r.from_port == 5432
        if r.security_group_id == aws_security_group.database[svc].id
      ])
    ])
    error_message = "Each database security group may only accept PostgreSQL from its own service's security group."
  }
  assert {
    condition     = alltrue([for i in aws_rds_cluster_instance.this : i.publicly_accessible == false])
    error_message = "Aurora instances must not be publicly accessible."
  }
  assert {
    condition     = alltrue([for c in aws_rds_cluster.this : c.storage_encrypted == true && c.manage_master_user_password == true && c.master_password == null])
    error_message = "Aurora clusters must be encrypted and keep the master password in Secrets Manager (manage_master_user_password)."
  }
  assert {
    condition     = alltrue([for svc in ["user", "order"] : toset(aws_rds_cluster.this[svc].vpc_security_group_ids) == toset([aws_security_group.database[svc].id])])
    error_message = "Each Aurora cluster must use only its own database security group."
  }
  assert {
    condition     = alltrue([for s in aws_subnet.private : s.map_public_ip_on_launch == false]) && toset(aws_db_subnet_group.this.subnet_ids) == toset(aws_subnet.private[*].id)
    error_message = "Databases must live in private subnets."
  }
}

run "shutdown_timings_follow_the_default_grace" {
  command = apply

  assert {
    condition = alltrue([
      for svc in ["user", "order"] :
      jsondecode(aws_ecs_task_definition.this[svc].container_definitions)[0].stopTimeout >= ceil(var.shutdown_grace_ms / 1000) + 1
    ])
    error_message = "stopTimeout must leave the service its whole SHUTDOWN_GRACE_MS plus a margin before SIGKILL."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this["user"].container_definitions)[0].stopTimeout == 15
    error_message = "With the default 10000 ms grace and 5 s margin, stopTimeout must be 15 s."
  }
  assert {
    condition     = tonumber(aws_lb_target_group.user.deregistration_delay) <= jsondecode(aws_ecs_task_definition.this["user"].container_definitions)[0].stopTimeout
    error_message = "The ALB deregistration delay must not exceed the container stopTimeout."
  }
  assert {
    condition     = tonumber(aws_lb_target_group.user.deregistration_delay) == 10
    error_message = "The deregistration delay must default to the grace period (10 s), not the ALB default of 300 s."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] : contains(
        jsondecode(aws_ecs_task_definition.this[svc].container_definitions)[0].environment,
        { name = "SHUTDOWN_GRACE_MS", value = "10000" }
      )
    ])
    error_message = "Both services must receive SHUTDOWN_GRACE_MS."
  }
}

run "shutdown_timings_follow_a_custom_grace" {
  command = apply

  variables {
    shutdown_grace_ms = 25500
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this["order"].container_definitions)[0].stopTimeout == 31
    error_message = "stopTimeout must be ceil(25500 / 1000) + 5 = 31 s."
  }
  assert {
    condition     = tonumber(aws_lb_target_group.user.deregistration_delay) == 26
    error_message = "The deregistration delay must follow the grace period (26 s)."
  }
  assert {
    condition     = contains(jsondecode(aws_ecs_task_definition.this["user"].container_definitions)[0].environment, { name = "SHUTDOWN_GRACE_MS", value = "25500" })
    error_message = "SHUTDOWN_GRACE_MS must reach the container unchanged."
  }
}

run "rejects_a_grace_period_fargate_cannot_honour" {
  command = plan

  variables {
    shutdown_grace_ms = 118000
  }

  expect_failures = [var.shutdown_grace_ms]
}

run "rejects_a_deregistration_delay_longer_than_stop_timeout" {
  command = plan

  variables {
    deregistration_delay_seconds = 300
  }

  expect_failures = [var.deregistration_delay_seconds]
}

run "rejects_mutable_image_tags" {
  command = plan

  variables {
    user_service = { image_tag = "latest" }
  }

  expect_failures = [var.user_service]
}

run "secrets_come_from_secrets_manager" {
  command = apply

  assert {
    condition     = toset([for s in jsondecode(aws_ecs_task_definition.this["user"].container_definitions)[0].secrets : s.name]) == toset(["DATABASE_PASSWORD", "SERVICE_TOKEN_SECRET", "JWT_SECRET"])
    error_message = "The user service must receive DATABASE_PASSWORD, SERVICE_TOKEN_SECRET and JWT_SECRET as ECS secrets."
  }
  assert {
    condition     = toset([for s in jsondecode(aws_ecs_task_definition.this["order"].container_definitions)[0].secrets : s.name]) == toset(["DATABASE_PASSWORD", "SERVICE_TOKEN_SECRET"])
    error_message = "The order service must receive DATABASE_PASSWORD and SERVICE_TOKEN_SECRET (and nothing else) as ECS secrets."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] : contains(
        jsondecode(aws_ecs_task_definition.this[svc].container_definitions)[0].secrets,
        { name = "DATABASE_PASSWORD", valueFrom = "${aws_rds_cluster.this[svc].master_user_secret[0].secret_arn}:password::" }
      )
    ])
    error_message = "DATABASE_PASSWORD must be the `password` key of the service's own RDS-managed master secret."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] : alltrue([
        for s in jsondecode(aws_ecs_task_definition.this[svc].container_definitions)[0].secrets :
        startswith(s.valueFrom, "arn:aws:secretsmanager:") || contains(values(aws_secretsmanager_secret.shared)[*].arn, s.valueFrom)
      ])
    ])
    error_message = "Every container secret must reference a Secrets Manager ARN."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] : alltrue([
        for e in jsondecode(aws_ecs_task_definition.this[svc].container_definitions)[0].environment :
        !can(regex("(?i)(PASSWORD|SECRET|TOKEN)", e.name)) && !strcontains(e.value, var.service_token_secret) && !strcontains(e.value, var.jwt_secret)
      ])
    ])
    error_message = "No password, secret or token may appear in a container's plain environment."
  }
  assert {
    condition = toset([for e in jsondecode(aws_ecs_task_definition.this["order"].container_definitions)[0].environment : e.name]) == toset([
      "DATABASE_HOST", "DATABASE_NAME", "DATABASE_PORT", "DATABASE_SSLMODE", "DATABASE_USER", "HOST", "LOG_LEVEL", "NODE_ENV", "PORT", "SHUTDOWN_GRACE_MS",
    ])
    error_message = "Unexpected plain environment for the order service."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] :
      toset(flatten([jsondecode(aws_iam_role_policy.execution_secrets[svc].policy).Statement[0].Resource])) == toset([
        for s in jsondecode(aws_ecs_task_definition.this[svc].container_definitions)[0].secrets : trimsuffix(s.valueFrom, ":password::")
      ])
    ])
    error_message = "Each execution role may read exactly the secrets its containers reference."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] :
      jsondecode(aws_iam_role_policy.execution_secrets[svc].policy).Statement[0].Action == ["secretsmanager:GetSecretValue"] &&
      aws_ecs_task_definition.this[svc].execution_role_arn == aws_iam_role.execution[svc].arn
    ])
    error_message = "Execution roles may only call secretsmanager:GetSecretValue on their secrets."
  }
  assert {
    condition     = aws_secretsmanager_secret_version.shared["SERVICE_TOKEN_SECRET"].secret_string == var.service_token_secret && aws_secretsmanager_secret_version.shared["JWT_SECRET"].secret_string == var.jwt_secret
    error_message = "The shared secrets must hold the values passed in (the same ones the Worker gets)."
  }
}

run "user_service_reaches_order_service_over_cloud_map" {
  command = apply

  assert {
    condition     = contains(jsondecode(aws_ecs_task_definition.this["user"].container_definitions)[0].environment, { name = "ORDER_SERVICE_URL", value = "http://order.grpc-edge.local:50052" })
    error_message = "ORDER_SERVICE_URL must be http://order.grpc-edge.local:50052 (native gRPC over h2c, Cloud Map DNS)."
  }
  assert {
    condition     = aws_service_discovery_private_dns_namespace.this.vpc == aws_vpc.this.id && aws_vpc.this.enable_dns_support && aws_vpc.this.enable_dns_hostnames
    error_message = "The Cloud Map namespace must be private to the VPC, which needs DNS support and hostnames."
  }
  assert {
    condition = alltrue([
      for svc, port in { user = 50051, order = 50052 } :
      contains(jsondecode(aws_ecs_task_definition.this[svc].container_definitions)[0].environment, { name = "PORT", value = tostring(port) }) &&
      jsondecode(aws_ecs_task_definition.this[svc].container_definitions)[0].portMappings[0].containerPort == port
    ])
    error_message = "PORT and the container port must be 50051 (user) and 50052 (order)."
  }
  assert {
    condition     = contains(jsondecode(aws_ecs_task_definition.this["user"].container_definitions)[0].environment, { name = "DATABASE_HOST", value = "grpc-edge-test-user.cluster-abc.eu-west-1.rds.amazonaws.com" })
    error_message = "Each service must connect to its own Aurora cluster."
  }
}
