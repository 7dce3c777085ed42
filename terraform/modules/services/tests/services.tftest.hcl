# Offline contract tests for the services module: `terraform test` with a mocked AWS
# provider (no credentials, no network). They pin down what `validate` does not: that the
# origin is private, what the internal ALB forwards, that the first apply waits for ready
# tasks, who may read which secret, how the services log in to their databases, and every
# variable's validation. Containers are found by name in the task definitions.

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

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_rds_engine_version" {
    defaults = {
      version_actual = "16.9"
    }
  }

  # The provider still validates ARN-typed arguments, so ARNs that flow into them must
  # look like ARNs (the mock would otherwise generate random strings).
  mock_resource "aws_lb" {
    defaults = {
      arn      = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/grpc-edge-test/0123456789abcdef"
      dns_name = "internal-grpc-edge-test-123456789.eu-west-1.elb.amazonaws.com"
      zone_id  = "Z32O12XQLNTSW2"
    }
  }

  mock_resource "aws_lb_listener" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/grpc-edge-test/0123456789abcdef/0123456789abcdef"
    }
  }

  mock_resource "aws_service_discovery_service" {
    defaults = {
      arn = "arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-0123456789abcdef"
    }
  }

  mock_resource "aws_lb_target_group" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/grpc-edge-test/0123456789abcdef"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/grpc-edge-test"
    }
  }
}

# Distinct ARNs per target group and secret, so "the right one" means something.
override_resource {
  target = aws_lb_target_group.service["user"]
  values = { arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/grpc-edge-test-user/0000000000000001" }
}

override_resource {
  target = aws_lb_target_group.service["order"]
  values = { arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/grpc-edge-test-order/0000000000000002" }
}

override_resource {
  target = aws_secretsmanager_secret.this["SERVICE_TOKEN_SECRET"]
  values = { arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:grpc-edge-test/service-token-secret-AbCdEf" }
}

override_resource {
  target = aws_secretsmanager_secret.this["TUNNEL_TOKEN"]
  values = { arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:grpc-edge-test/tunnel-token-GhIjKl" }
}

# Distinct, realistic values for what RDS computes.
override_resource {
  target = aws_rds_cluster.this["user"]
  values = {
    endpoint            = "grpc-edge-test-user.cluster-abc.eu-west-1.rds.amazonaws.com"
    port                = 5432
    cluster_resource_id = "cluster-USERUSERUSERUSERUSERUSER"
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
    endpoint            = "grpc-edge-test-order.cluster-abc.eu-west-1.rds.amazonaws.com"
    port                = 5432
    cluster_resource_id = "cluster-ORDERORDERORDERORDERORDER"
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-order-GhIjKl"
      kms_key_id    = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000001"
      secret_status = "active"
    }]
  }
}

variables {
  name = "grpc-edge-test"
  services = {
    user  = { image_tag = "0123abc" }
    order = { image_tag = "0123abc" }
  }
  service_token_secret = "test-service-token-secret-0123456789abcdef"
  tunnel_token         = "test-tunnel-token-0123456789abcdef0123456789abcdef"
}

run "the_origin_is_not_on_the_internet" {
  command = apply

  assert {
    condition     = aws_lb.this.internal == true && aws_lb.this.load_balancer_type == "application"
    error_message = "The load balancer must be internal."
  }
  assert {
    condition     = toset(aws_lb.this.subnets) == toset(aws_subnet.private[*].id)
    error_message = "The internal ALB must live in the private subnets."
  }
  assert {
    condition     = alltrue([for r in aws_vpc_security_group_ingress_rule.this : r.cidr_ipv4 == null && r.cidr_ipv6 == null && r.prefix_list_id == null && r.referenced_security_group_id != null])
    error_message = "No ingress rule may admit a CIDR (0.0.0.0/0 or any other): every ingress names its source security group."
  }
  assert {
    condition = [for r in aws_vpc_security_group_ingress_rule.this : r.referenced_security_group_id if r.security_group_id == aws_security_group.alb.id] == [aws_security_group.cloudflared.id] && [
      for r in aws_vpc_security_group_ingress_rule.this : r.from_port if r.security_group_id == aws_security_group.alb.id
    ] == [80]
    error_message = "The ALB may accept only port 80 from cloudflared's security group."
  }
  assert {
    condition     = length([for r in aws_vpc_security_group_ingress_rule.this : r if r.security_group_id == aws_security_group.cloudflared.id]) == 0
    error_message = "cloudflared accepts no inbound connection at all."
  }
  assert {
    condition     = alltrue([for s in concat(values(aws_ecs_service.this), [aws_ecs_service.cloudflared]) : s.network_configuration[0].assign_public_ip == false && toset(s.network_configuration[0].subnets) == toset(aws_subnet.private[*].id)])
    error_message = "Every ECS task (services and cloudflared) runs in the private subnets without a public IP."
  }
  assert {
    condition     = alltrue([for s in aws_subnet.public : s.map_public_ip_on_launch == false]) && alltrue([for i in aws_rds_cluster_instance.this : i.publicly_accessible == false])
    error_message = "No public IPs on launch, no publicly accessible database."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] : alltrue([
        for r in aws_vpc_security_group_ingress_rule.this :
        r.referenced_security_group_id == aws_security_group.service[svc].id && r.from_port == 5432
        if r.security_group_id == aws_security_group.database[svc].id
      ])
    ])
    error_message = "Each database accepts PostgreSQL only from its own service."
  }
  assert {
    condition = toset([for r in aws_vpc_security_group_ingress_rule.this : r.referenced_security_group_id if r.security_group_id == aws_security_group.service["order"].id]) == toset([
      aws_security_group.service["user"].id, aws_security_group.alb.id,
    ])
    error_message = "The order service accepts only the user service (native gRPC) and the internal ALB."
  }
  assert {
    condition     = alltrue([for r in aws_vpc_security_group_egress_rule.to_internet : contains([443, 7844], r.from_port) && r.from_port == r.to_port])
    error_message = "Egress to the internet is only HTTPS (through NAT) and cloudflared's 7844."
  }
  assert {
    condition     = output.origin_url == "http://internal-grpc-edge-test-123456789.eu-west-1.elb.amazonaws.com"
    error_message = "origin_url must be the internal ALB's HTTP URL."
  }
}

run "the_alb_forwards_only_the_public_rpcs" {
  command = apply

  assert {
    condition     = aws_lb_listener.http.port == 80 && aws_lb_listener.http.protocol == "HTTP" && length(aws_lb_listener.http.default_action) == 1
    error_message = "One HTTP listener on port 80 inside the VPC."
  }
  assert {
    condition     = aws_lb_listener.http.default_action[0].type == "fixed-response" && aws_lb_listener.http.default_action[0].fixed_response[0].status_code == "404"
    error_message = "The listener's default action must be a fixed 404: no path reaches a service unless a rule names it."
  }
  assert {
    condition = toset(flatten([for r in aws_lb_listener_rule.route : one(one(r.condition).path_pattern).values if r.action[0].target_group_arn == aws_lb_target_group.service["user"].arn])) == toset([
      "/user.v1.UserService/GetUserById", "/user.v1.UserService/GetAllUsers", "/user.v1.UserService/CreateUser",
      "/user.v1.UserService/UpdateUser", "/user.v1.UserService/DeleteUser",
      "/orders.v1.OrderService/CreateOrder", "/orders.v1.OrderService/ListOrders",
    ])
    error_message = "The user target group gets exactly the public user RPCs plus CreateOrder and ListOrders."
  }
  assert {
    condition = toset(flatten([for r in aws_lb_listener_rule.route : one(one(r.condition).path_pattern).values if r.action[0].target_group_arn == aws_lb_target_group.service["order"].arn])) == toset([
      "/orders.v1.OrderService/GetOrder", "/orders.v1.OrderService/CancelOrder",
      "/orders.v1.OrderService/ListItems", "/orders.v1.OrderService/GetItem", "/orders.v1.OrderService/WatchOrders",
    ])
    error_message = "The order target group gets exactly GetOrder, CancelOrder, ListItems, GetItem and WatchOrders."
  }
  assert {
    condition = alltrue([
      for r in aws_lb_listener_rule.route : length(r.condition) == 1 && length(one(one(r.condition).path_pattern).values) <= 5 && r.action[0].type == "forward" && alltrue([
        for p in one(one(r.condition).path_pattern).values : !strcontains(p, "*") && !strcontains(p, "?") && !strcontains(p, "GetOrdersByUserId") && !strcontains(p, "metrics") && !strcontains(p, "health") && !strcontains(p, "readyz")
      ])
    ])
    error_message = "Rules forward exact RPC paths only (at most 5 per rule, no wildcards), never GetOrdersByUserId(s), metrics or health."
  }
  assert {
    condition     = length(distinct([for r in aws_lb_listener_rule.route : r.priority])) == length(aws_lb_listener_rule.route)
    error_message = "Listener rule priorities must be unique."
  }
}

run "both_services_are_ready_only_with_their_database" {
  command = apply

  assert {
    condition = alltrue([
      for svc, port in { user = 50051, order = 50052 } :
      aws_lb_target_group.service[svc].port == port && aws_lb_target_group.service[svc].protocol == "HTTP" && aws_lb_target_group.service[svc].protocol_version == "HTTP1" &&
      aws_lb_target_group.service[svc].health_check[0].path == "/readyz" && aws_lb_target_group.service[svc].health_check[0].port == "traffic-port" && aws_lb_target_group.service[svc].health_check[0].matcher == "200"
    ])
    error_message = "Each service has an HTTP1 target group on its port whose health check is GET /readyz (200 only)."
  }
  assert {
    condition = alltrue([
      for svc, port in { user = 50051, order = 50052 } :
      one(aws_ecs_service.this[svc].load_balancer).target_group_arn == aws_lb_target_group.service[svc].arn && one(aws_ecs_service.this[svc].load_balancer).container_port == port && one(aws_ecs_service.this[svc].load_balancer).container_name == svc
    ])
    error_message = "Both ECS services register in their own target group, so readiness decides their health."
  }
  assert {
    condition     = alltrue([for s in concat(values(aws_ecs_service.this), [aws_ecs_service.cloudflared]) : s.wait_for_steady_state == true && s.deployment_circuit_breaker[0].enable && s.deployment_circuit_breaker[0].rollback])
    error_message = "Every ECS service waits for a steady state (apply fails loudly) and keeps the rolling-back circuit breaker."
  }
  assert {
    condition     = alltrue([for s in values(aws_ecs_service.this) : s.health_check_grace_period_seconds == 60])
    error_message = "Both services get the health-check grace period."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] :
      strcontains(jsonencode([for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) : c if c.name == svc][0].healthCheck.command), "/healthz")
    ])
    error_message = "The container health check is liveness (/healthz); readiness is the target group's."
  }
}

run "services_log_in_as_the_application_role_with_iam_and_verify_full" {
  command = apply

  assert {
    condition     = alltrue([for c in aws_rds_cluster.this : c.iam_database_authentication_enabled && c.manage_master_user_password && c.master_password == null && c.storage_encrypted])
    error_message = "Clusters: IAM authentication on, master password managed by RDS, storage encrypted."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] : alltrue([
        for kv in [["DATABASE_USER", "grpc_edge_app"], ["DATABASE_AUTH", "iam"], ["DATABASE_SSLMODE", "verify-full"], ["DATABASE_CA_FILE", "/app/certs/rds-global-bundle.pem"], ["AWS_REGION", "eu-west-1"]] :
        contains([for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) : c if c.name == svc][0].environment, { name = kv[0], value = kv[1] })
      ])
    ])
    error_message = "The services connect as grpc_edge_app with IAM tokens, verify-full against the RDS CA bundle in the image."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] :
      !strcontains(jsonencode([for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) : c if c.name == svc][0]), "PASSWORD") &&
      !strcontains(jsonencode([for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) : c if c.name == svc][0]), "rds!cluster") &&
      !contains([for e in [for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) : c if c.name == svc][0].environment : e.value], var.db_master_username)
    ])
    error_message = "The service container gets no password and never the master user or its secret."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] :
      jsondecode(aws_iam_role_policy.task_db_connect[svc].policy).Statement[0].Action == ["rds-db:connect"] &&
      jsondecode(aws_iam_role_policy.task_db_connect[svc].policy).Statement[0].Resource == "arn:aws:rds-db:eu-west-1:123456789012:dbuser:${aws_rds_cluster.this[svc].cluster_resource_id}/grpc_edge_app" &&
      aws_iam_role_policy.task_db_connect[svc].role == aws_iam_role.task[svc].id
    ])
    error_message = "Each task role may rds-db:connect only as the application role on its own cluster."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] :
      [for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) : c if c.name == "db-bootstrap"][0].secrets == [{ name = "PGPASSWORD", valueFrom = "${aws_rds_cluster.this[svc].master_user_secret[0].secret_arn}:password::" }] &&
      contains([for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) : c if c.name == "db-bootstrap"][0].environment, { name = "PGSSLMODE", value = "verify-full" }) &&
      strcontains(join(" ", [for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) : c if c.name == "db-bootstrap"][0].command), "GRANT rds_iam TO grpc_edge_app")
    ])
    error_message = "Only the db-bootstrap init container gets the master password, connects verify-full, and creates the IAM application role."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] :
      [for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) : c if c.name == svc][0].dependsOn == [{ containerName = "db-bootstrap", condition = "SUCCESS" }] &&
      [for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) : c if c.name == "db-bootstrap"][0].dependsOn == [{ containerName = "rds-ca", condition = "SUCCESS" }] &&
      [for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) : c if c.name == "rds-ca"][0].essential == false
    ])
    error_message = "Start order per task: rds-ca, then db-bootstrap, then the service (each after the previous exited 0)."
  }
  assert {
    condition     = alltrue([for c in aws_rds_cluster.this : c.engine_version == "16.9"])
    error_message = "The engine version comes from the aws_rds_engine_version data source."
  }
}

run "secrets_are_write_only_and_least_privilege" {
  command = apply

  assert {
    condition     = toset(keys(aws_secretsmanager_secret.this)) == toset(["SERVICE_TOKEN_SECRET", "TUNNEL_TOKEN"])
    error_message = "Secrets Manager holds SERVICE_TOKEN_SECRET and the tunnel token, and no JWT_SECRET (end-user tokens are verified at the edge only)."
  }
  assert {
    condition     = alltrue([for v in aws_secretsmanager_secret_version.this : v.secret_string == null && v.secret_string_wo == null && v.secret_string_wo_version == 1])
    error_message = "Secret values are written as write-only attributes: nothing in state."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] :
      [for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) : c if c.name == svc][0].secrets == [{ name = "SERVICE_TOKEN_SECRET", valueFrom = aws_secretsmanager_secret.this["SERVICE_TOKEN_SECRET"].arn }]
    ])
    error_message = "Each service container receives SERVICE_TOKEN_SECRET and nothing else as a secret."
  }
  assert {
    condition = alltrue([
      for role in ["user", "order"] :
      toset(flatten([jsondecode(aws_iam_role_policy.execution_secrets[role].policy).Statement[0].Resource])) == toset([
        aws_secretsmanager_secret.this["SERVICE_TOKEN_SECRET"].arn, aws_rds_cluster.this[role].master_user_secret[0].secret_arn,
      ])
    ])
    error_message = "A service's execution role reads the service token secret and its own cluster's master secret (for db-bootstrap), nothing else."
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.execution_secrets["cloudflared"].policy).Statement[0].Resource == [aws_secretsmanager_secret.this["TUNNEL_TOKEN"].arn]
    error_message = "cloudflared's execution role reads only the tunnel token."
  }
  assert {
    condition     = alltrue([for p in aws_iam_role_policy.execution_secrets : jsondecode(p.policy).Statement[0].Action == ["secretsmanager:GetSecretValue"]])
    error_message = "Execution roles may only call secretsmanager:GetSecretValue."
  }
  assert {
    condition = alltrue([
      for svc in ["user", "order"] : alltrue([
        for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) : alltrue([
          for e in try(c.environment, []) : !can(regex("(?i)(PASSWORD|SECRET|TOKEN)", e.name)) && !strcontains(e.value, var.service_token_secret)
        ])
      ])
    ])
    error_message = "No password, secret or token may appear in any container's plain environment."
  }
}

run "cloudflared_runs_the_tunnel_from_secrets_manager" {
  command = apply

  assert {
    condition     = jsondecode(aws_ecs_task_definition.cloudflared.container_definitions)[0].secrets == [{ name = "TUNNEL_TOKEN", valueFrom = aws_secretsmanager_secret.this["TUNNEL_TOKEN"].arn }]
    error_message = "cloudflared gets its token as TUNNEL_TOKEN from Secrets Manager."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.cloudflared.container_definitions)[0].command == ["tunnel", "--no-autoupdate", "--protocol", "quic", "run"]
    error_message = "cloudflared runs the remotely managed tunnel over QUIC, without self-updates."
  }
  assert {
    condition     = aws_ecs_service.cloudflared.desired_count == 2 && toset(aws_ecs_service.cloudflared.network_configuration[0].security_groups) == toset([aws_security_group.cloudflared.id]) && length(aws_ecs_service.cloudflared.load_balancer) == 0
    error_message = "Two cloudflared replicas in their own security group, behind no load balancer."
  }
  assert {
    condition     = !endswith(jsondecode(aws_ecs_task_definition.cloudflared.container_definitions)[0].image, ":latest")
    error_message = "cloudflared's image is pinned."
  }
  assert {
    condition = toset([for r in aws_vpc_security_group_egress_rule.to_security_group : r.referenced_security_group_id if r.security_group_id == aws_security_group.cloudflared.id]) == toset([aws_security_group.alb.id]) && toset([
      for r in aws_vpc_security_group_egress_rule.to_internet : "${r.ip_protocol}/${r.from_port}" if r.security_group_id == aws_security_group.cloudflared.id
    ]) == toset(["udp/7844", "tcp/7844", "tcp/443"])
    error_message = "cloudflared may reach only the internal ALB inside the VPC, and Cloudflare (7844 UDP/TCP, 443) outside."
  }
}

run "metrics_have_their_own_port_reachable_only_by_named_scrapers" {
  command = apply

  variables {
    metrics_scraper_security_group_ids = ["sg-0123456789abcdef0"]
  }

  assert {
    condition = alltrue([
      for svc in ["user", "order"] :
      contains([for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) : c if c.name == svc][0].environment, { name = "METRICS_PORT", value = "9464" }) &&
      contains([for m in [for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) : c if c.name == svc][0].portMappings : m.containerPort], 9464)
    ])
    error_message = "Both services get METRICS_PORT=9464 and expose it."
  }
  assert {
    condition = toset([for r in aws_vpc_security_group_ingress_rule.this : "${r.security_group_id}:${r.referenced_security_group_id}" if r.from_port == 9464]) == toset([
      for svc in ["user", "order"] : "${aws_security_group.service[svc].id}:sg-0123456789abcdef0"
    ])
    error_message = "METRICS_PORT is open only to the scrapers' security group."
  }
  assert {
    condition     = alltrue([for r in aws_vpc_security_group_ingress_rule.this : r.from_port != 9464 if r.referenced_security_group_id == aws_security_group.alb.id])
    error_message = "The ALB never reaches the metrics port."
  }
}

run "user_spreads_over_order_tasks_via_cloud_map" {
  command = apply

  assert {
    condition     = contains([for c in jsondecode(aws_ecs_task_definition.this["user"].container_definitions) : c if c.name == "user"][0].environment, { name = "ORDER_SERVICE_URL", value = "http://order.grpc-edge.local:50052" })
    error_message = "ORDER_SERVICE_URL is the Cloud Map name of the order service."
  }
  assert {
    condition     = aws_service_discovery_service.order.dns_config[0].routing_policy == "MULTIVALUE" && aws_service_discovery_service.order.dns_config[0].dns_records[0].type == "A" && aws_service_discovery_service.order.dns_config[0].dns_records[0].ttl == 10
    error_message = "order.<namespace> answers one A record per task (MULTIVALUE, TTL 10 s), so the user service can resolve and balance over all of them."
  }
  assert {
    condition     = aws_ecs_service.this["order"].service_registries[0].registry_arn == aws_service_discovery_service.order.arn
    error_message = "The order service registers its tasks in Cloud Map."
  }
}

run "shutdown_timings_follow_the_grace_period" {
  command = apply

  variables {
    shutdown_grace_ms = 25500
  }

  assert {
    condition     = alltrue([for svc in ["user", "order"] : [for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) : c if c.name == svc][0].stopTimeout == 31])
    error_message = "stopTimeout must be ceil(25500 / 1000) + 5 = 31 s."
  }
  assert {
    condition     = alltrue([for tg in aws_lb_target_group.service : tonumber(tg.deregistration_delay) == 26])
    error_message = "The deregistration delay must follow the grace period (26 s)."
  }
  assert {
    condition     = contains([for c in jsondecode(aws_ecs_task_definition.this["user"].container_definitions) : c if c.name == "user"][0].environment, { name = "SHUTDOWN_GRACE_MS", value = "25500" })
    error_message = "SHUTDOWN_GRACE_MS must reach the container unchanged."
  }
}

# --- Every variable's validation --------------------------------------------------------

run "rejects_services_other_than_user_and_order" {
  command = plan
  variables {
    services = { user = { image_tag = "0123abc" }, orders = { image_tag = "0123abc" } }
  }
  expect_failures = [var.services]
}

run "rejects_mutable_image_tags" {
  command = plan
  variables {
    services = { user = { image_tag = "latest" }, order = { image_tag = "0123abc" } }
  }
  expect_failures = [var.services]
}

run "rejects_invalid_fargate_sizes" {
  command = plan
  variables {
    services = { user = { image_tag = "0123abc", cpu = 512, memory = 512 }, order = { image_tag = "0123abc" } }
  }
  expect_failures = [var.services]
}

run "rejects_inconsistent_task_counts" {
  command = plan
  variables {
    services = { user = { image_tag = "0123abc", min_count = 3, desired_count = 2 }, order = { image_tag = "0123abc" } }
  }
  expect_failures = [var.services]
}

run "rejects_unknown_log_levels" {
  command = plan
  variables {
    services = { user = { image_tag = "0123abc" }, order = { image_tag = "0123abc", log_level = "verbose" } }
  }
  expect_failures = [var.services]
}

run "rejects_a_vpc_whose_public_subnets_would_be_smaller_than_a_28" {
  command = plan
  variables {
    vpc_cidr = "10.40.0.0/21"
  }
  expect_failures = [var.vpc_cidr]
}

run "rejects_a_vpc_whose_private_subnets_cannot_hold_the_tasks" {
  command = plan
  variables {
    vpc_cidr = "10.40.0.0/20"
    services = { user = { image_tag = "0123abc", max_count = 60 }, order = { image_tag = "0123abc", max_count = 60 } }
  }
  expect_failures = [var.vpc_cidr]
}

run "accepts_a_20_vpc_with_the_default_sizes" {
  command = plan
  variables {
    vpc_cidr = "10.40.0.0/20"
  }
  assert {
    condition     = aws_subnet.public[0].cidr_block == "10.40.0.0/28" && aws_subnet.private[0].cidr_block == "10.40.1.0/24"
    error_message = "A /20 gives /28 public subnets (NAT only) and /24 private subnets (ALB, tasks, databases)."
  }
}

run "rejects_a_metrics_port_equal_to_a_service_port" {
  command = plan
  variables {
    metrics_port = 50051
  }
  expect_failures = [var.metrics_port]
}

run "rejects_scrapers_that_are_not_security_groups" {
  command = plan
  variables {
    metrics_scraper_security_group_ids = ["10.0.0.0/8"]
  }
  expect_failures = [var.metrics_scraper_security_group_ids]
}

run "rejects_the_master_user_as_application_role" {
  command = plan
  variables {
    db_app_username = "grpc_edge"
  }
  expect_failures = [var.db_app_username]
}

run "rejects_a_relative_ca_bundle_path" {
  command = plan
  variables {
    rds_ca_bundle_path = "certs/rds.pem"
  }
  expect_failures = [var.rds_ca_bundle_path]
}

run "rejects_an_unpinned_bootstrap_image" {
  command = plan
  variables {
    db_bootstrap_image = "postgres:latest"
  }
  expect_failures = [var.db_bootstrap_image]
}

run "rejects_an_unpinned_cloudflared_image" {
  command = plan
  variables {
    cloudflared = { image = "cloudflare/cloudflared:latest" }
  }
  expect_failures = [var.cloudflared]
}

run "rejects_a_minor_engine_version" {
  command = plan
  variables {
    db_engine_major_version = "16.6"
  }
  expect_failures = [var.db_engine_major_version]
}

run "rejects_short_secrets" {
  command = plan
  variables {
    service_token_secret = "short"
    tunnel_token         = "short"
  }
  expect_failures = [var.service_token_secret, var.tunnel_token]
}

run "rejects_a_zero_secrets_version" {
  command = plan
  variables {
    secrets_version = 0
  }
  expect_failures = [var.secrets_version]
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

run "rejects_an_invalid_name" {
  command = plan
  variables {
    name = "Grpc_Edge"
  }
  expect_failures = [var.name]
}
