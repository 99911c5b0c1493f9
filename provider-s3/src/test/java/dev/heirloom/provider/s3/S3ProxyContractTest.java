package dev.heirloom.provider.s3;

import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.tck.StorageTargetContract;
import dev.heirloom.testservers.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** provider-s3 passes the whole storage contract against S3Proxy (filesystem backend). */
class S3ProxyContractTest extends StorageTargetContract {
    private static S3ProxyServer server;
    private static final AtomicInteger COUNT = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start(Files.createTempDirectory("heirloom-s3proxy"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Map<String, String> options(S3ProxyServer server) {
        return Map.of("endpoint", server.endpoint(), "accessKeyId", S3ProxyServer.ACCESS_KEY,
                "secretAccessKey", S3ProxyServer.SECRET_KEY, "createBucket", "true", "partSizeMiB", "5", "stageLargeFiles", "true");
    }

    @Override
    protected StorageTarget newTarget() {
        return new S3TargetProvider().open(new TargetConfig(URI.create("s3://tck/run" + COUNT.incrementAndGet()),
                options(server)));
    }
}
