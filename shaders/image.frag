// Gray image with window/level and invert. The texture holds 16-bit values split into bytes (R = high,
// G = low), so 16-bit X-rays keep full precision on WebGL2 without float-texture extensions; filtering is
// done here (bilinear from 4 texel fetches, plus 2x2 supersampling when the image is shown minified).
precision highp float;
precision highp int;

uniform highp sampler2D u_image;
uniform vec2 u_tex_size;
uniform float u_texels_per_pixel;   // > 1 when zoomed out
uniform float u_window_low;         // normalized [0,1] value shown as black
uniform float u_window_high;        // ... and as white
uniform int u_invert;
in vec2 v_texel;
out vec4 frag_color;

float fetch(ivec2 p) {
    ivec2 q = clamp(p, ivec2(0), ivec2(u_tex_size) - 1);
    vec2 rg = texelFetch(u_image, q, 0).rg;
    return (floor(rg.r * 255.0 + 0.5) * 256.0 + floor(rg.g * 255.0 + 0.5)) / 65535.0;
}

float bilinear(vec2 texel) {
    vec2 p = texel - 0.5;
    vec2 f = fract(p);
    ivec2 i = ivec2(floor(p));
    float top = mix(fetch(i), fetch(i + ivec2(1, 0)), f.x);
    float bottom = mix(fetch(i + ivec2(0, 1)), fetch(i + ivec2(1, 1)), f.x);
    return mix(top, bottom, f.y);
}

void main() {
    float v;
    if (u_texels_per_pixel > 1.5) {
        float d = 0.25 * u_texels_per_pixel;
        v = 0.25 * (bilinear(v_texel + vec2(-d, -d)) + bilinear(v_texel + vec2(d, -d)) +
                    bilinear(v_texel + vec2(-d, d)) + bilinear(v_texel + vec2(d, d)));
    } else {
        v = bilinear(v_texel);
    }
    float g = clamp((v - u_window_low) / max(u_window_high - u_window_low, 1e-6), 0.0, 1.0);
    if (u_invert != 0) g = 1.0 - g;
    frag_color = vec4(g, g, g, 1.0);
}
