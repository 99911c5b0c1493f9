package dev.heirloom.report;

import dev.heirloom.repository.FileName;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.exif.ExifIFD0Directory;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Small pictures of JPEG and PNG photos, made from the source when a report is rendered: decoded
 * with subsampling (so a 50-megapixel photo costs little memory), scaled to at most {@link #SIZE}
 * pixels, turned as its EXIF orientation says, and embedded as a JPEG {@code data:} URI. Any other file, or one that cannot be read,
 * has none.
 */
public final class Thumbnails {
    /** The longest side of a thumbnail, in pixels. */
    public static final int SIZE = 96;
    private static final long LARGEST_FILE = 64L << 20;
    private static final Set<String> DECODED = Set.of("jpg", "jpeg", "png");
    private static final Thumbnails NONE = new Thumbnails(null, false);

    /**
     * A thumbnail.
     *
     * @param dataUri the picture as a {@code data:image/jpeg;base64,...} URI
     * @param width   its width in pixels
     * @param height  its height in pixels
     */
    public record Thumbnail(String dataUri, int width, int height) {
    }

    private final Path root;
    private final boolean followLinks;

    private Thumbnails(Path root, boolean followLinks) {
        this.root = root;
        this.followLinks = followLinks;
    }

    /** Thumbnails of the files under the source folder {@code root}. */
    public static Thumbnails fromSource(Path root, boolean followLinks) {
        return new Thumbnails(root, followLinks);
    }

    /** No thumbnails: every file shows an icon. */
    public static Thumbnails none() {
        return NONE;
    }

    /** The thumbnail of the file at {@code path} ({@code /}-separated, under the root), if one can be made. */
    public Optional<Thumbnail> of(String path) {
        if (root == null) {
            return Optional.empty();
        }
        int dot = path.lastIndexOf('.');
        if (dot < 0 || !DECODED.contains(path.substring(dot + 1).toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        try {
            Path file = FileName.resolve(root, path);
            LinkOption[] options = followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
            if (!Files.isRegularFile(file, options) || Files.size(file) > LARGEST_FILE) {
                return Optional.empty();
            }
            BufferedImage image = decode(file);
            return image == null ? Optional.empty() : Optional.of(encode(upright(scale(image), orientation(file))));
        } catch (IOException | IllegalArgumentException | SecurityException
                 | IllegalStateException | OutOfMemoryError e) {
            // unreadable, malformed or odd: the report shows an icon
            return Optional.empty();
        }
    }

    /** Decodes the file with the coarsest subsampling that still gives at least twice the thumbnail's size. */
    private static BufferedImage decode(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                return null;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int longest = Math.max(reader.getWidth(0), reader.getHeight(0));
                ImageReadParam param = reader.getDefaultReadParam();
                int step = Math.max(1, longest / (2 * SIZE));
                param.setSourceSubsampling(step, step, 0, 0);
                return reader.read(0, param);
            } finally {
                reader.dispose();
            }
        }
    }

    private static BufferedImage scale(BufferedImage image) {
        double factor = Math.min(1.0, (double) SIZE / Math.max(image.getWidth(), image.getHeight()));
        int w = Math.max(1, (int) Math.round(image.getWidth() * factor));
        int h = Math.max(1, (int) Math.round(image.getHeight() * factor));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.drawImage(image, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The EXIF orientation of a picture (1: as stored; 3, 6, 8: turned 180°, 90° and 270° clockwise to view). */
    private static int orientation(Path file) {
        try {
            ExifIFD0Directory d = ImageMetadataReader.readMetadata(file.toFile()).getFirstDirectoryOfType(ExifIFD0Directory.class);
            return d != null && d.containsTag(ExifIFD0Directory.TAG_ORIENTATION) ? d.getInt(ExifIFD0Directory.TAG_ORIENTATION) : 1;
        } catch (Exception | StackOverflowError e) {
            return 1;
        }
    }

    /** The picture turned as a viewer shows it (the mirrored orientations are shown unmirrored). */
    private static BufferedImage upright(BufferedImage image, int orientation) {
        int quarters = switch (orientation) {
            case 3, 4 -> 2;
            case 5, 6 -> 1;
            case 7, 8 -> 3;
            default -> 0;
        };
        if (quarters == 0) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(quarters == 2 ? w : h, quarters == 2 ? h : w, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            AffineTransform t = new AffineTransform();
            t.translate(out.getWidth() / 2.0, out.getHeight() / 2.0);
            t.quadrantRotate(quarters);
            t.translate(-w / 2.0, -h / 2.0);
            g.drawImage(image, t, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static Thumbnail encode(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.75f);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return new Thumbnail("data:image/jpeg;base64," + Base64.getEncoder().encodeToString(bytes.toByteArray()),
                image.getWidth(), image.getHeight());
    }
}
