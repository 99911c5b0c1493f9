package dev.heirloom.provider.s3;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.time.Duration;

/** Builds the AWS SDK's S3 client for a target's settings. */
final class S3SdkClient {
    private S3SdkClient() {
    }

    static S3Client build(S3Settings s) {
        S3ClientBuilder builder = S3Client.builder()
                .credentialsProvider(credentials(s.credentials()))
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(s.concurrency() * 2)
                        .connectionTimeout(Duration.ofSeconds(15))
                        .socketTimeout(s.readTimeout()))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(b -> b.maxAttempts(s.maxTries()))
                        .apiCallAttemptTimeout(Duration.ofMinutes(10))
                        .build())
                .forcePathStyle(s.pathStyle());
        if (s.checksums()) {
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_SUPPORTED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_SUPPORTED);
        } else {
            // stores that reject the additional checksums (and the SDK's CRC32 trailers): none unless an API requires one
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        s.endpoint().ifPresent(builder::endpointOverride);
        if (s.region().isPresent()) {
            builder.region(Region.of(s.region().get()));
        } else if (s.endpoint().isPresent()) {
            builder.region(Region.US_EAST_1);
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(S3Settings.Credentials c) {
        if (c.accessKeyId().isPresent()) {
            String id = c.accessKeyId().get();
            String secret = c.secretAccessKey().orElseThrow();
            return StaticCredentialsProvider.create(c.sessionToken().isPresent()
                    ? AwsSessionCredentials.create(id, secret, c.sessionToken().get())
                    : AwsBasicCredentials.create(id, secret));
        }
        if (c.profile().isPresent()) {
            return ProfileCredentialsProvider.create(c.profile().get());
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
