/** Tailwind CSS v4 through PostCSS, the way Next.js runs it. */
export default {
  plugins: {
    '@tailwindcss/postcss': {},
  },
};
