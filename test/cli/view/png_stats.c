/* Says what a PNG shows, for the tests that render a chart or a page: its size, how many
 * distinct colours it has, what share of it differs from its most common colour (the
 * background), and how many pixels are clearly red, amber, purple, blue or green (the
 * display's state colours and the chart's lines). `png_stats FILE` prints one line of
 * key=value fields; exit 1 when FILE is not a PNG it can read. */
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS (1u << 18) /* colours counted by their 6 upper bits per channel */

struct hues {
	unsigned long red, amber, purple, blue, green;
};

static void classify(const uint8_t *p, struct hues *h)
{
	int r = p[0], g = p[1], b = p[2];
	if (r > 170 && g < 90 && b < 90)
		h->red++;
	else if (r > 200 && g > 120 && b < g - 20 && r - b > 40) /* also washed out, as a shade */
		h->amber++;
	else if (r - g >= 15 && b - g >= 25 && g < 200) /* dark or washed out, as a hatch over white */
		h->purple++;
	else if (r < 60 && g > 70 && g < 140 && b > 150)
		h->blue++;
	else if (r < 80 && g > 100 && b < 90)
		h->green++;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: png_stats FILE\n");
		return 2;
	}
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, argv[1])) {
		fprintf(stderr, "png_stats: %s: %s\n", argv[1], img.message);
		return 1;
	}
	img.format = PNG_FORMAT_RGB;
	size_t n = (size_t)img.width * img.height;
	uint8_t *px = malloc(PNG_IMAGE_SIZE(img));
	uint32_t *count = calloc(BUCKETS, sizeof(*count));
	if (!px || !count || !png_image_finish_read(&img, NULL, px, 0, NULL)) {
		fprintf(stderr, "png_stats: %s: %s\n", argv[1], px && count ? img.message : "out of memory");
		return 1;
	}
	struct hues h = {0};
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = px + 3 * i;
		count[(unsigned)(p[0] >> 2) << 12 | (unsigned)(p[1] >> 2) << 6 | (unsigned)(p[2] >> 2)]++;
		classify(p, &h);
	}
	unsigned long colours = 0, most = 0;
	for (size_t i = 0; i < BUCKETS; i++) {
		colours += count[i] != 0;
		most = count[i] > most ? count[i] : most;
	}
	printf("width=%u height=%u colours=%lu other_pct=%lu red=%lu amber=%lu purple=%lu blue=%lu "
	       "green=%lu\n",
	       img.width, img.height, colours, n ? (unsigned long)((n - most) * 100 / n) : 0, h.red, h.amber,
	       h.purple, h.blue, h.green);
	free(px);
	free(count);
	return 0;
}
