# The private path from the Worker to the services: a remotely managed Cloudflare Tunnel
# (its connector, cloudflared, runs as an ECS service next to the internal ALB) and a
# Workers VPC service that sends the Worker's binding requests through it to the ALB.
# No public hostname, DNS record or Access application is involved: only a Worker bound
# to this VPC service can reach the origin.

resource "cloudflare_zero_trust_tunnel_cloudflared" "origin" {
  account_id = var.account_id
  name       = var.tunnel_name
  # Remotely managed: cloudflared needs only the token; Workers VPC needs no ingress rules.
  config_src = "cloudflare"
}

data "cloudflare_zero_trust_tunnel_cloudflared_token" "origin" {
  account_id = var.account_id
  tunnel_id  = cloudflare_zero_trust_tunnel_cloudflared.origin.id
}

resource "cloudflare_connectivity_directory_service" "origin" {
  account_id = var.account_id
  name       = var.tunnel_name
  type       = "http"
  # Plain HTTP from cloudflared to the internal ALB inside the VPC; Cloudflare -> cloudflared
  # is encrypted by the tunnel whatever the scheme of the Worker's fetch URL.
  http_port = var.origin_http_port

  host = {
    hostname = var.origin_hostname
    # Resolved by cloudflared inside the VPC (its default resolver, the VPC's DNS).
    resolver_network = {
      tunnel_id = cloudflare_zero_trust_tunnel_cloudflared.origin.id
    }
  }
}
