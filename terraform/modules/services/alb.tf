# Public HTTPS entry point for the Worker -> user service hop.
#
# The Worker speaks Connect (and gRPC-Web) over HTTP/1.1, so the target group uses
# protocol_version = "HTTP1" even though the service also accepts h2c on the same port.

resource "aws_lb" "this" {
  name               = var.name
  load_balancer_type = "application"
  internal           = false
  subnets            = aws_subnet.public[*].id
  security_groups    = [aws_security_group.alb.id]

  drop_invalid_header_fields = true
  enable_deletion_protection = var.alb_deletion_protection
  idle_timeout               = 60

  tags = local.common_tags
}

resource "aws_lb_target_group" "user" {
  name             = "${var.name}-user"
  vpc_id           = aws_vpc.this.id
  target_type      = "ip"
  port             = local.service_ports.user
  protocol         = "HTTP"
  protocol_version = "HTTP1"

  # Short: the ALB only needs to let in-flight requests finish (the Worker gives up after
  # UPSTREAM_TIMEOUT_MS anyway). Never longer than the container stopTimeout.
  deregistration_delay = local.deregistration_delay

  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = "/readyz"
    matcher             = "200"
    interval            = 10
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }

  tags = merge(local.common_tags, { Service = "user" })

  lifecycle {
    precondition {
      condition     = local.deregistration_delay <= local.stop_timeout_seconds
      error_message = "The ALB deregistration delay must not exceed the container stopTimeout."
    }
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.alb_ssl_policy
  certificate_arn   = var.acm_certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.user.arn
  }

  tags = local.common_tags
}

resource "aws_route53_record" "user_service" {
  count = var.route53_zone_id == null ? 0 : 1

  zone_id = var.route53_zone_id
  name    = var.user_service_domain_name
  type    = "A"

  alias {
    name                   = aws_lb.this.dns_name
    zone_id                = aws_lb.this.zone_id
    evaluate_target_health = true
  }
}
