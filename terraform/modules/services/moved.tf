# Renames since the first layout (public ALB, user-only target group, shared secrets), so an
# existing deployment updates these in place instead of colliding with same-named new ones.

moved {
  from = aws_lb_target_group.user
  to   = aws_lb_target_group.service["user"]
}

moved {
  from = aws_secretsmanager_secret.shared
  to   = aws_secretsmanager_secret.this
}

moved {
  from = aws_secretsmanager_secret_version.shared
  to   = aws_secretsmanager_secret_version.this
}

moved {
  from = aws_vpc_security_group_ingress_rule.internal
  to   = aws_vpc_security_group_ingress_rule.this
}
