package dev.heirloom.provider.sftp;

import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.tck.StorageTargetContract;
import dev.heirloom.testservers.OpenSshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** provider-sftp passes the whole storage contract against a real OpenSSH server. */
class SftpTargetContractTest extends StorageTargetContract {
    private static Path dir;
    private static OpenSshServer server;
    private static final AtomicInteger COUNT = new AtomicInteger();

    @BeforeAll
    static void startServer() throws Exception {
        dir = Files.createTempDirectory("heirloom-sftp-tck");
        server = OpenSshServer.start(dir.resolve("sshd"));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected StorageTarget newTarget() {
        Path folder = dir.resolve("repo" + COUNT.incrementAndGet());
        return new SftpTargetProvider().open(new TargetConfig(server.uri(folder), server.options()));
    }
}
