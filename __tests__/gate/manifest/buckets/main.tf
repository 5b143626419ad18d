# The buckets a labeling job's manifests name, as a team would manage them: one with the basic Ground Truth rule
# (GET from any origin), one without CORS, one with a GET-only rule where video frames will live, one with the
# video-frame rule, one for sequence files (video-frame rule) and one for manifests only (no CORS).

locals {
  video_frame_rule = {
    allowed_headers = ["*"]
    allowed_methods = ["GET", "HEAD", "PUT"]
    allowed_origins = ["*"]
    expose_headers  = ["Access-Control-Allow-Origin"]
    max_age_seconds = 3000
  }
}

resource "aws_s3_bucket" "basic" {
  bucket        = "gt-mf-basic"
  force_destroy = true
}

resource "aws_s3_bucket_cors_configuration" "basic" {
  bucket = aws_s3_bucket.basic.id
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
}

resource "aws_s3_bucket" "no_cors" {
  bucket        = "gt-mf-no-cors"
  force_destroy = true
}

resource "aws_s3_bucket" "get_only" {
  bucket        = "gt-mf-get-only"
  force_destroy = true
}

resource "aws_s3_bucket_cors_configuration" "get_only" {
  bucket = aws_s3_bucket.get_only.id
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
}

resource "aws_s3_bucket" "video" {
  bucket        = "gt-mf-video"
  force_destroy = true
}

resource "aws_s3_bucket_cors_configuration" "video" {
  bucket = aws_s3_bucket.video.id
  cors_rule {
    allowed_headers = local.video_frame_rule.allowed_headers
    allowed_methods = local.video_frame_rule.allowed_methods
    allowed_origins = local.video_frame_rule.allowed_origins
    expose_headers  = local.video_frame_rule.expose_headers
    max_age_seconds = local.video_frame_rule.max_age_seconds
  }
}

resource "aws_s3_bucket" "sequences" {
  bucket        = "gt-mf-sequences"
  force_destroy = true
}

resource "aws_s3_bucket_cors_configuration" "sequences" {
  bucket = aws_s3_bucket.sequences.id
  cors_rule {
    allowed_headers = local.video_frame_rule.allowed_headers
    allowed_methods = local.video_frame_rule.allowed_methods
    allowed_origins = local.video_frame_rule.allowed_origins
    expose_headers  = local.video_frame_rule.expose_headers
    max_age_seconds = local.video_frame_rule.max_age_seconds
  }
}

resource "aws_s3_bucket" "manifests" {
  bucket        = "gt-mf-manifests"
  force_destroy = true
}
