package dev.heirloom.testservers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parts of a {@code multipart/related} upload body, as the GCS JSON API's multipart upload sends them. */
final class GcsMultipartBody {
    private GcsMultipartBody() {
    }

    record Part(Map<String, String> headers, byte[] body) {
    }

    static List<byte[]> split(byte[] body, String boundary) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String delimText = "--" + boundary;
        byte[] delim = delimText.getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> parts = new ArrayList<>();
        int i = text.indexOf(delimText);
        while (i >= 0) {
            int start = i + delim.length;
            if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
                break;
            }
            start = skipLineEnd(body, start);
            int next = text.indexOf(delimText, start);
            if (next < 0) {
                break;
            }
            int end = next;
            if (end >= 2 && body[end - 2] == '\r' && body[end - 1] == '\n') {
                end -= 2;
            } else if (end >= 1 && body[end - 1] == '\n') {
                end -= 1;
            }
            parts.add(Arrays.copyOfRange(body, start, Math.max(start, end)));
            i = next;
        }
        return parts;
    }

    static Part part(byte[] raw) {
        Map<String, String> headers = new LinkedHashMap<>();
        int pos = 0;
        while (pos < raw.length) {
            int eol = pos;
            while (eol < raw.length && raw[eol] != '\n') {
                eol++;
            }
            String line = new String(raw, pos, eol - pos, StandardCharsets.ISO_8859_1).replace("\r", "");
            pos = Math.min(raw.length, eol + 1);
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                // no header block: the part is all body
                return new Part(Map.of(), raw);
            }
            headers.put(line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim());
        }
        return new Part(headers, Arrays.copyOfRange(raw, pos, raw.length));
    }

    private static int skipLineEnd(byte[] b, int i) {
        if (i < b.length && b[i] == '\r') {
            i++;
        }
        if (i < b.length && b[i] == '\n') {
            i++;
        }
        return i;
    }
}
