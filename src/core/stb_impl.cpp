// The single translation unit holding the stb implementations (stb_image for decoding, stb_image_write for PNG).
// STBI_NO_STDIO keeps file APIs out of the decoder so it builds the same way for Emscripten.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#define STBI_FAILURE_USERMSG
// Only the decoders for the formats KeyBot lists (PNM has its own reader, pnm.cpp): the others are attack
// surface no caller needs. STBI_MAX_DIMENSIONS repeats kMaxImageSide (image.hpp) as a second line of defence.
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#define STBI_MAX_DIMENSIONS 32768
#include <stb/stb_image.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>
