/* Streams 16 kHz audio through a Silero VAD compiled by quantc (an object
 * file and its header, sr fixed with --bind-input sr=16000): fixed-size
 * chunks, the recurrent state fed back, one speech probability printed
 * per chunk. Build with -include <model>.h -DCHUNK=512 (v5) or
 * -DCHUNK=1536 -DSILERO_V4.
 * usage: vad_stream AUDIO.f32 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef SILERO_V4
#define STATE (2 * 1 * 64)
#else
#define STATE (2 * 1 * 128)
#endif

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s AUDIO.f32\n", argv[0]);
    return 2;
  }
  FILE *file = fopen(argv[1], "rb");
  if (!file) {
    perror(argv[1]);
    return 1;
  }
  fseek(file, 0, SEEK_END);
  long bytes = ftell(file);
  fseek(file, 0, SEEK_SET);
  long samples = bytes / (long)sizeof(float);
  float *audio = malloc(samples * sizeof(float));
  if (!audio || fread(audio, sizeof(float), samples, file) != (size_t)samples) {
    fprintf(stderr, "%s: cannot read\n", argv[1]);
    return 1;
  }
  fclose(file);
#ifdef SILERO_V4
  static float h[STATE], c[STATE], hn[STATE], cn[STATE];
#else
  static float state[STATE], next[STATE];
#endif
  for (long at = 0; at + CHUNK <= samples; at += CHUNK) {
    float probability;
#ifdef SILERO_V4
    quantc_main(audio + at, h, c, &probability, hn, cn);
    memcpy(h, hn, sizeof h);
    memcpy(c, cn, sizeof c);
#else
    quantc_main(audio + at, state, &probability, next);
    memcpy(state, next, sizeof state);
#endif
    printf("%.6f\n", probability);
  }
  free(audio);
  return 0;
}
