package dev.heirloom.provider.sftp;

import dev.heirloom.spi.TargetConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** Two SFTP targets are one place when they name the same server and folder, however spelled. */
class SftpLocationTest {
    private static URI location(String uri) {
        return new SftpTargetProvider().location(TargetConfig.of(URI.create(uri))).orElseThrow();
    }

    @Test
    void theSameServerAndFolderIsOnePlace() {
        assertThat(location("sftp://ann@NAS.local/volume1/photos/")).isEqualTo(location("sftp://bob@nas.local:22/volume1/./photos"));
        assertThat(location("sftp://ann@nas.local/volume1/photos")).isNotEqualTo(location("sftp://ann@nas.local:2222/volume1/photos"));
        assertThat(location("sftp://ann@nas.local/volume1/photos")).isNotEqualTo(location("sftp://ann@nas.local/volume1/video"));
    }

    @Test
    void aFolderUnderTheHomeDependsOnTheAccount() {
        assertThat(location("sftp://ann@nas.local/~/photos")).isNotEqualTo(location("sftp://bob@nas.local/~/photos"));
        assertThat(location("sftp://ann@nas.local/~/photos")).isEqualTo(location("sftp://ann@nas.local/~/photos/"));
    }
}
