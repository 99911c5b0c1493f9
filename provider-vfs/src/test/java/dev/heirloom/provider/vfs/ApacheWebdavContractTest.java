package dev.heirloom.provider.vfs;

import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.tck.StorageTargetContract;
import dev.heirloom.testservers.ApacheWebdavServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** provider-vfs passes the whole storage contract over WebDAV, against Apache httpd mod_dav, a second WebDAV server. */
class ApacheWebdavContractTest extends StorageTargetContract {
    private static ApacheWebdavServer server;
    private static final AtomicInteger COUNT = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = ApacheWebdavServer.start(Files.createTempDirectory("heirloom-apache-dav"));
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
        return new WebdavVfsProvider().open(new TargetConfig(URI.create("vfs+webdav4://" + ApacheWebdavServer.USER
                + "@127.0.0.1:" + server.port() + "/tck/run" + COUNT.incrementAndGet()),
                Map.of("password", ApacheWebdavServer.PASSWORD)));
    }
}
