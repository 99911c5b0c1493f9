/** Storage in Amazon S3 and S3-compatible stores, with the AWS SDK for Java v2. */
package dev.heirloom.provider.s3;
