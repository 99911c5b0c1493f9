package dev.heirloom.provider.vfs;

import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.tck.StorageTargetContract;
import dev.heirloom.testservers.FtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** provider-vfs passes the whole storage contract over FTP, against pyftpdlib. */
class FtpContractTest extends StorageTargetContract {
    private static FtpServer server;
    private static final AtomicInteger COUNT = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = FtpServer.start(Files.createTempDirectory("heirloom-ftp"));
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
        return new FtpVfsProvider().open(new TargetConfig(URI.create("vfs+ftp://" + FtpServer.USER + "@127.0.0.1:"
                + server.port() + "/tck/run" + COUNT.incrementAndGet()), Map.of("password", FtpServer.PASSWORD)));
    }
}
