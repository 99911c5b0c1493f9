package dev.heirloom.provider.gcs;

import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.tck.StorageTargetContract;
import dev.heirloom.testservers.GcsTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** provider-gcs, on the GCS Java client, passes the whole storage contract against the GCS test server, object lock included (its bucket has object retention enabled). */
class GcsTargetContractTest extends StorageTargetContract {
    private static GcsTestServer server;
    private static Path resume;
    private static final AtomicInteger COUNT = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = GcsTestServer.start();
        server.createBucketWithObjectRetention("tck");
        resume = Files.createTempDirectory("heirloom-gcs-resume");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    protected StorageTarget newTarget() {
        return new GcsTargetProvider().open(new TargetConfig(URI.create("gs://tck/run" + COUNT.incrementAndGet()),
                Map.of("endpoint", server.endpoint(), "anonymous", "true", "chunkSizeMiB", "1",
                        "resumeDir", resume.toString(), "maxTries", "2")));
    }
}
