package dev.heirloom.provider.azure;

import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.tck.StorageTargetContract;
import dev.heirloom.testservers.AzuriteServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** provider-azure passes the whole storage contract against Azurite. */
class AzureTargetContractTest extends StorageTargetContract {
    private static AzuriteServer azurite;
    private static final AtomicInteger COUNT = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        azurite = AzuriteServer.start(Files.createTempDirectory("heirloom-azurite"));
    }

    @AfterAll
    static void stop() {
        azurite.close();
    }

    @Override
    protected StorageTarget newTarget() {
        return new AzureTargetProvider().open(new TargetConfig(URI.create("azure://tck/run" + COUNT.incrementAndGet()),
                Map.of("connectionString", azurite.connectionString(), "createContainer", "true", "blockSizeMiB", "1")));
    }
}
