package dev.heirloom.provider.vfs;

import org.apache.commons.vfs2.FileSystemException;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure CI met twice: VFS reports a pooled connection shut down under a call as "Could not
 * determine the type of file", the shut-down text only below it. It must be recognised there.
 */
class ConnectionShutDownTest {
    @Test
    void aShutDownConnectionIsRecognisedBelowVfssOwnMessage() {
        FileSystemException cause = new FileSystemException("Connection has been shut down");
        FileSystemException wrapped = new FileSystemException("vfs.provider/get-type.error", cause,
                "webdav4://127.0.0.1:1/tck/par/24");
        assertThat(wrapped.getMessage()).doesNotContain("has been shut down");
        assertThat(VfsTarget.connectionShutDown(wrapped)).isTrue();
        assertThat(VfsTarget.connectionShutDown(new IOException("x", new IOException("Connection has been shut down")))).isTrue();
        assertThat(VfsTarget.connectionShutDown(new FileSystemException("vfs.provider/get-type.error", new IOException("refused"),
                "webdav4://127.0.0.1:1/x"))).isFalse();
    }
}
