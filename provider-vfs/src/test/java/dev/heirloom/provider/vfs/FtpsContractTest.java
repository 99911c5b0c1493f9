package dev.heirloom.provider.vfs;

import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.tck.StorageTargetContract;
import dev.heirloom.testservers.FtpServer;
import dev.heirloom.testservers.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * provider-vfs passes the whole storage contract over FTPS (explicit TLS, protected data channel)
 * against pyftpdlib, trusting the server's self-signed certificate through the option trustStore.
 */
class FtpsContractTest extends StorageTargetContract {
    private static FtpServer server;
    private static Path trustStore;
    private static final AtomicInteger COUNT = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("heirloom-ftps");
        server = FtpServer.startTls(dir);
        trustStore = TestCertificates.trustStore(server.certificate(), dir.resolve("trust.p12"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    protected int largeObjectSize() {
        return 3 * 1024 * 1024 + 17;
    }

    @Override
    protected StorageTarget newTarget() {
        return new FtpsVfsProvider().open(new TargetConfig(URI.create("vfs+ftps://" + FtpServer.USER + "@127.0.0.1:"
                + server.port() + "/tck/run" + COUNT.incrementAndGet()), Map.of("password", FtpServer.PASSWORD,
                "trustStore", trustStore.toString(), "trustStorePassword", "changeit")));
    }
}
