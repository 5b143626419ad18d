# A plain Terraform root of a user's repository: one Ground Truth input bucket with its CORS, one without.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "consumer"
  secret_key                  = "consumer"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

resource "aws_s3_bucket" "images" {
  bucket = "consumer-hcl-images"
  tags   = { "groundtruth:job-types" = "image" }
}

resource "aws_s3_bucket_cors_configuration" "images" {
  bucket = aws_s3_bucket.images.id
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
}

resource "aws_s3_bucket" "frames" {
  bucket = "consumer-hcl-frames"
  tags   = { "groundtruth:job-types" = "video-frame", "groundtruth:bucket-role" = "input,output" }
}
