terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = ">= 5.19.0, < 6.0.0"
    }
  }

  # Remote state (it holds the Worker's secret binding and the tunnel token: keep the
  # bucket private and encrypted).
  # Settings live in an uncommitted backend.hcl, see backend.hcl.example:
  #   terraform init -backend-config=backend.hcl
  backend "s3" {}
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project     = "grpc-edge"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}

# Reads the API token from CLOUDFLARE_API_TOKEN (never from a variable or a file in git).
# Token permissions: docs/deploy.md, "Prerequisites" (Workers Scripts, Cloudflare Tunnel,
# Workers VPC services on the account; Workers Routes, DNS, SSL on the zone).
provider "cloudflare" {}
