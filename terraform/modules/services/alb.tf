# The internal load balancer between cloudflared and the services. It is not reachable from
# the internet (internal, private subnets, ingress only from cloudflared's security group)
# and forwards only the RPC paths the Worker calls; everything else gets a fixed 404.
#
# Plain HTTP inside the VPC: the hop Cloudflare -> cloudflared is encrypted by the tunnel,
# and the Worker speaks Connect over HTTP/1.1, so both target groups are HTTP1.

locals {
  alb_listener_port = 80

  # ALB rules accept at most 5 condition values, so each service's paths become rules of
  # up to 5 exact paths. Priorities: user 100.., order 200...
  alb_route_rules = merge([
    for svc, paths in local.public_rpc_paths : {
      for i, chunk in chunklist(paths, 5) : "${svc}-${i}" => {
        service  = svc
        paths    = chunk
        priority = (svc == "user" ? 100 : 200) + i
      }
    }
  ]...)
}

resource "aws_lb" "this" {
  name               = var.name
  load_balancer_type = "application"
  internal           = true
  subnets            = aws_subnet.private[*].id
  security_groups    = [aws_security_group.alb.id]

  drop_invalid_header_fields = true
  enable_deletion_protection = var.alb_deletion_protection
  idle_timeout               = 60

  tags = local.common_tags
}

resource "aws_lb_target_group" "service" {
  for_each = local.service_ports

  name             = "${var.name}-${each.key}"
  vpc_id           = aws_vpc.this.id
  target_type      = "ip"
  port             = each.value
  protocol         = "HTTP"
  protocol_version = "HTTP1"

  # Short: the ALB only needs to let in-flight requests finish (the Worker gives up after
  # UPSTREAM_TIMEOUT_MS anyway). Never longer than the container stopTimeout.
  deregistration_delay = local.deregistration_delay

  # Readiness: 200 only once the service reaches its database (503 while starting, while
  # the database is away, and while draining). ECS replaces tasks that stay unhealthy.
  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = "/readyz"
    matcher             = "200"
    interval            = 10
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = merge(local.common_tags, { Service = each.key })

  lifecycle {
    precondition {
      condition     = local.deregistration_delay <= local.stop_timeout_seconds
      error_message = "The ALB deregistration delay must not exceed the container stopTimeout."
    }
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = local.alb_listener_port
  protocol          = "HTTP"

  # Connect's error shape, so a client of either service reads it as any other error.
  default_action {
    type = "fixed-response"
    fixed_response {
      status_code  = "404"
      content_type = "application/json"
      message_body = jsonencode({ code = "unimplemented", message = "no such route" })
    }
  }

  tags = local.common_tags
}

resource "aws_lb_listener_rule" "route" {
  for_each = local.alb_route_rules

  listener_arn = aws_lb_listener.http.arn
  priority     = each.value.priority

  condition {
    path_pattern {
      values = each.value.paths
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.service[each.value.service].arn
  }

  tags = merge(local.common_tags, { Service = each.value.service })
}
