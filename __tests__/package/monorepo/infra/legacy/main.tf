# A root: the shared module, and a bucket the data file names as a Ground Truth bucket, without CORS.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "monorepo"
  secret_key                  = "monorepo"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

module "archive" {
  source = "../../modules/labeling-bucket"
  name   = "monorepo-legacy-archive"
}

resource "aws_s3_bucket" "scratch" {
  bucket = "monorepo-legacy-scratch"
}
