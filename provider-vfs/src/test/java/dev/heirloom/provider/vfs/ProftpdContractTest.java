package dev.heirloom.provider.vfs;

import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.tck.StorageTargetContract;
import dev.heirloom.testservers.ProftpdServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * provider-vfs passes the whole storage contract over FTP against a second server, ProFTPD, whose
 * mod_digest answers HASH: uploads are checked on the server and the target declares hashing on
 * the server (the contract's DeclaredCapabilities suite then checks that it works).
 */
class ProftpdContractTest extends StorageTargetContract {
    private static ProftpdServer server;
    private static final AtomicInteger COUNT = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = ProftpdServer.start(Files.createTempDirectory("heirloom-proftpd"));
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
        return new FtpVfsProvider().open(new TargetConfig(URI.create("vfs+ftp://" + ProftpdServer.USER + "@127.0.0.1:"
                + server.port() + "/tck/run" + COUNT.incrementAndGet()), Map.of("password", ProftpdServer.PASSWORD)));
    }
}
