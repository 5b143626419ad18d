# The buckets a labeling job's manifests name, as a team would manage them: two with a GET-only rule (the basic
# rule: enough for images, one of them where video frames will live), one without CORS, two with the video-frame
# rule (frames; sequence files) and one for manifests only (no CORS).

resource "aws_s3_bucket" "get_rule" {
  for_each      = toset(["gt-mf-basic", "gt-mf-get-only"])
  bucket        = each.key
  force_destroy = true
}

resource "aws_s3_bucket_cors_configuration" "get_rule" {
  for_each = aws_s3_bucket.get_rule
  bucket   = each.value.id
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
}

resource "aws_s3_bucket" "video_frame_rule" {
  for_each      = toset(["gt-mf-video", "gt-mf-sequences"])
  bucket        = each.key
  force_destroy = true
}

resource "aws_s3_bucket_cors_configuration" "video_frame_rule" {
  for_each = aws_s3_bucket.video_frame_rule
  bucket   = each.value.id
  cors_rule {
    allowed_headers = ["*"]
    allowed_methods = ["GET", "HEAD", "PUT"]
    allowed_origins = ["*"]
    expose_headers  = ["Access-Control-Allow-Origin"]
    max_age_seconds = 3000
  }
}

resource "aws_s3_bucket" "no_cors" {
  bucket        = "gt-mf-no-cors"
  force_destroy = true
}

resource "aws_s3_bucket" "manifests" {
  bucket        = "gt-mf-manifests"
  force_destroy = true
}
