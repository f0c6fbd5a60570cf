"""Input and output: video decode/encode and pose-data export formats."""
