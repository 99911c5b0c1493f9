package dev.heirloom.provider.s3;

import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.tck.StorageTargetContract;
import dev.heirloom.testservers.S3MockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** provider-s3 passes the whole storage contract against Adobe S3Mock, a second, independent S3 server. */
class S3MockContractTest extends StorageTargetContract {
    private static S3MockServer server;
    private static final AtomicInteger COUNT = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = S3MockServer.start(Files.createTempDirectory("heirloom-s3mock"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    protected StorageTarget newTarget() {
        return new S3TargetProvider().open(new TargetConfig(URI.create("s3://tck/run" + COUNT.incrementAndGet()),
                Map.of("endpoint", server.endpoint(), "accessKeyId", "any", "secretAccessKey", "any-secret",
                        "createBucket", "true", "partSizeMiB", "5", "stageLargeFiles", "true",
                        // S3Mock checks If-None-Match, but not atomically: racing writers both win (this
                        // contract's race test shows it), so the target must not claim conditional creates
                        "conditionalWrites", "false",
                        // S3Mock replaces an object under a reader and then sends fewer bytes than it
                        // announced, leaving the connection open: the read is given up after this
                        // silence and fetched again (the atomic-replace test shows it)
                        "readTimeout", "3s")));
    }
}
