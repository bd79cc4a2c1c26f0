/* Runs a quantc-compiled model on every record of argv[1] (IN_SIZE float32
 * values each, at least one) and writes the OUT_SIZE outputs of each to
 * argv[2], in order. Built with -DMODEL_HEADER="<model>.h" -DIN_SIZE=..
 * -DOUT_SIZE=.. for any target. */
#include MODEL_HEADER

#include <stdio.h>

int main(int argc, char **argv) {
  static float in[IN_SIZE], out[OUT_SIZE];
  if (argc != 3)
    return 2;
  FILE *input = fopen(argv[1], "rb"), *output = fopen(argv[2], "wb");
  if (!input || !output)
    return 2;
  size_t records = 0;
  while (fread(in, sizeof(float), IN_SIZE, input) == IN_SIZE) {
    quantc_main(in, out);
    if (fwrite(out, sizeof(float), OUT_SIZE, output) != OUT_SIZE)
      return 2;
    ++records;
  }
  fclose(input);
  return records == 0 || fclose(output) != 0 ? 2 : 0;
}
