package dev.heirloom.provider.vfs;

import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.tck.StorageTargetContract;
import dev.heirloom.testservers.ApacheWebdavServer;
import dev.heirloom.testservers.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * provider-vfs passes the whole storage contract over WebDAV on HTTPS (Apache httpd, mod_ssl and
 * mod_dav), trusting the server's self-signed certificate through the option trustStore: the
 * certificate chain and the host name are checked, as for FTPS.
 */
class ApacheWebdavsContractTest extends StorageTargetContract {
    private static ApacheWebdavServer server;
    private static Path trustStore;
    private static final AtomicInteger COUNT = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("heirloom-apache-davs");
        server = ApacheWebdavServer.startTls(dir);
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
        return new WebdavsVfsProvider().open(new TargetConfig(URI.create("vfs+webdav4s://" + ApacheWebdavServer.USER
                + "@127.0.0.1:" + server.port() + "/tck/run" + COUNT.incrementAndGet()),
                Map.of("password", ApacheWebdavServer.PASSWORD, "trustStore", trustStore.toString(),
                        "trustStorePassword", "changeit")));
    }
}
