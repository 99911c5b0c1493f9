package dev.heirloom.report;

import dev.heirloom.testservers.MediaSamples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Thumbnails are small, upright, made only of pictures, and never fail a report. */
class ThumbnailsTest {
    @TempDir
    Path tmp;

    private static BufferedImage decoded(Thumbnails.Thumbnail t) throws Exception {
        assertThat(t.dataUri()).startsWith("data:image/jpeg;base64,");
        byte[] jpeg = Base64.getDecoder().decode(t.dataUri().substring("data:image/jpeg;base64,".length()));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertThat(image.getWidth()).isEqualTo(t.width());
        assertThat(image.getHeight()).isEqualTo(t.height());
        return image;
    }

    @Test
    void aLargePhotoGivesASmallPictureOfIt() throws Exception {
        MediaSamples.jpeg(tmp.resolve("2019/big.jpg"), 4000, 3000, Color.BLUE);
        Thumbnails.Thumbnail t = Thumbnails.fromSource(tmp, false).of("2019/big.jpg").orElseThrow();
        assertThat(t.width()).isEqualTo(Thumbnails.SIZE);
        assertThat(t.height()).isEqualTo(72);
        BufferedImage image = decoded(t);
        Color centre = new Color(image.getRGB(48, 36));
        assertThat(centre.getRed() + centre.getGreen() + centre.getBlue()).as("the white disc in the middle").isGreaterThan(600);
        assertThat(t.dataUri().length()).as("a few KiB").isLessThan(12_000);
    }

    @Test
    void aPhotoTurnedByItsExifOrientationIsShownUpright() throws Exception {
        Path photo = MediaSamples.jpeg(tmp.resolve("portrait.jpg"), 400, 200, Color.RED);
        MediaSamples.exiftool(photo, "-Orientation#=6");
        Thumbnails.Thumbnail t = Thumbnails.fromSource(tmp, false).of("portrait.jpg").orElseThrow();
        assertThat(t.width()).isLessThan(t.height());
        decoded(t);
    }

    @Test
    void otherFilesAndBrokenOnesHaveNone() throws Exception {
        MediaSamples.datedMp4(tmp.resolve("VID.mp4"), "2017-03-05T10:00:00Z");
        Files.writeString(tmp.resolve("broken.jpg"), "not a picture");
        Files.createSymbolicLink(tmp.resolve("link.jpg"), MediaSamples.jpeg(tmp.resolve("real.jpg"), 64, 48, Color.GRAY));
        Thumbnails thumbnails = Thumbnails.fromSource(tmp, false);
        assertThat(thumbnails.of("VID.mp4")).isEmpty();
        assertThat(thumbnails.of("broken.jpg")).isEmpty();
        assertThat(thumbnails.of("gone.jpg")).isEmpty();
        assertThat(thumbnails.of("link.jpg")).as("links are not followed unless the source follows them").isEmpty();
        assertThat(Thumbnails.fromSource(tmp, true).of("link.jpg")).isPresent();
        assertThat(Thumbnails.none().of("real.jpg")).isEmpty();
    }
}
