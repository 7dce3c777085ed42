data "aws_availability_zones" "available" {
  state = "available"
}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # Two AZs: enough for the internal ALB and Aurora multi-AZ placement, cheapest NAT footprint.
  azs = slice(data.aws_availability_zones.available.names, 0, 2)

  # Ports are part of the contract with the service code (env PORT), not tunables.
  service_ports = {
    user  = 50051
    order = 50052
  }

  # Each service owns its database (one Aurora cluster per service, see database.tf).
  database_names = {
    user  = "users"
    order = "orders"
  }

  # The RPC paths the Worker calls, by the service that serves them (the internal ALB's
  # listener rules, alb.tf). Nothing else is forwarded: not GetOrdersByUserId(s) (user ->
  # order only), not /metrics (its own port), not health. terraform/terraform.test.ts
  # checks this list against the proto's google.api.http annotations.
  public_rpc_paths = {
    user = [
      "/user.v1.UserService/GetUserById",
      "/user.v1.UserService/GetAllUsers",
      "/user.v1.UserService/CreateUser",
      "/user.v1.UserService/UpdateUser",
      "/user.v1.UserService/DeleteUser",
      # Checked against the user first (order-facade), then passed on to the order service.
      "/orders.v1.OrderService/CreateOrder",
      "/orders.v1.OrderService/ListOrders",
    ]
    order = [
      "/orders.v1.OrderService/GetOrder",
      "/orders.v1.OrderService/CancelOrder",
      "/orders.v1.OrderService/ListItems",
      "/orders.v1.OrderService/GetItem",
      # Server stream behind GET /api/users/{user_id}/orders:watch (heartbeats every 15 s keep it
      # inside the ALB's idle timeout).
      "/orders.v1.OrderService/WatchOrders",
    ]
  }

  # Graceful shutdown, all derived from SHUTDOWN_GRACE_MS:
  #   ALB stops routing (deregistration delay) -> ECS sends SIGTERM -> the service drains
  #   for up to the grace period -> SIGKILL after stopTimeout = grace + margin.
  grace_seconds        = ceil(var.shutdown_grace_ms / 1000)
  stop_timeout_seconds = local.grace_seconds + var.stop_timeout_margin_seconds
  deregistration_delay = coalesce(var.deregistration_delay_seconds, local.grace_seconds)

  order_service_url = "http://${aws_service_discovery_service.order.name}.${aws_service_discovery_private_dns_namespace.this.name}:${local.service_ports.order}"

  # The Worker's base URL for both services: one internal ALB routes by RPC path. Through
  # the Workers VPC binding the URL's host only sets the Host header (the tunnel decides
  # where the request goes), so the ALB's own name is the honest value.
  origin_url = "http://${aws_lb.this.dns_name}"

  common_tags = merge(var.tags, { Module = "grpc-edge/services" })
}

# --- Container registry ----------------------------------------------------

resource "aws_ecr_repository" "this" {
  for_each = local.service_ports

  name                 = "${var.name}/${each.key}"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }

  tags = merge(local.common_tags, { Service = each.key })
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each = aws_ecr_repository.this

  repository = each.value.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the 30 most recent images (rollback targets)"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = 30
      }
      action = { type = "expire" }
    }]
  })
}

# --- Logs and cluster ------------------------------------------------------

resource "aws_cloudwatch_log_group" "service" {
  for_each = toset(concat(keys(local.service_ports), ["cloudflared"]))

  name              = "/ecs/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days
  tags              = merge(local.common_tags, { Service = each.key })
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = local.common_tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}
