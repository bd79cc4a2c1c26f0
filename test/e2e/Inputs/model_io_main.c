/* Runs a quantc-compiled model once: reads IN_SIZE float32 values from
 * argv[1], writes the OUT_SIZE outputs to argv[2]. Built with
 * -DMODEL_HEADER="<model>.h" -DIN_SIZE=.. -DOUT_SIZE=.. for any target. */
#include MODEL_HEADER

#include <stdio.h>

int main(int argc, char **argv) {
  static float in[IN_SIZE], out[OUT_SIZE];
  if (argc != 3)
    return 2;
  FILE *f = fopen(argv[1], "rb");
  if (!f || fread(in, sizeof(float), IN_SIZE, f) != IN_SIZE)
    return 2;
  fclose(f);
  quantc_main(in, out);
  f = fopen(argv[2], "wb");
  if (!f || fwrite(out, sizeof(float), OUT_SIZE, f) != OUT_SIZE)
    return 2;
  return fclose(f) != 0;
}
